import "server-only";
import { createHash } from "node:crypto";
import { luaConstantsHeader } from "./constants";
import { LUA_SOURCES } from "./sources.generated";

/**
 * The Redis driver's function library (FUNCTION LOAD, Redis ≥ 7.0: its top level runs once per
 * load, not per call), assembled from the .lua files beside this one (instructions/matching.md
 * "Redis layout"): the shared constants from TypeScript, the shared files in order, then one
 * registered function per function file. Every function gets KEYS[1] = the namespace prefix and
 * ARGV[1..8] = the clock and the config (protocol/header.ts); ARGV[9..] are its own arguments,
 * built and decoded by its module in protocol/.
 */

/** Shared code in load order: each file uses only what the constants and the files before it define. */
const SHARED_FILES = ["state.lua", "tickets.lua", "cooldown.lua", "select.lua", "sessions.lua"] as const;

/** The functions Node calls → the file holding each one's body. */
const FUNCTION_FILES = {
  batch: "batch.lua",
  commit: "commit.lua",
  skip: "skip.lua",
  activate: "activate.lua",
  reveal: "reveal.lua",
  cancel: "cancel.lua",
  expireUser: "expire_user.lua",
  prime: "prime.lua",
  window: "window.lua",
  startPair: "start_pair.lua",
} as const satisfies Record<string, keyof typeof LUA_SOURCES>;

export type MatchFunction = keyof typeof FUNCTION_FILES;
export const MATCH_FUNCTIONS = Object.keys(FUNCTION_FILES) as MatchFunction[];

// a marker before each file, so a line number in a Redis error can be traced to its file
const fromFile = (file: keyof typeof LUA_SOURCES) => `-- ${file}\n${LUA_SOURCES[file]}`;

const SHARED = [luaConstantsHeader(), ...SHARED_FILES.map(fromFile)].join("\n\n");

// Each body runs as a registered function: begin() resets the per-call state first.
const registrations = (library: string) =>
  MATCH_FUNCTIONS.map(
    (name) =>
      `redis.register_function('${library}_${name}', function(KEYS, ARGV)\nbegin(KEYS, ARGV)\n${fromFile(FUNCTION_FILES[name])}\nend)`,
  ).join("\n\n");

/** The library's name carries a hash of its code, so two versions of the app never call each other's. */
export const MATCH_LIBRARY_NAME = `mm_${createHash("sha1")
  .update(SHARED + registrations(""))
  .digest("hex")
  .slice(0, 12)}`;

/** The code for FUNCTION LOAD. */
export const MATCH_LIBRARY = `#!lua name=${MATCH_LIBRARY_NAME}\n${SHARED}\n\n${registrations(MATCH_LIBRARY_NAME)}\n`;

export function functionName(name: MatchFunction): string {
  return `${MATCH_LIBRARY_NAME}_${name}`;
}

import "server-only";
import type { MatchFunction } from "../lua/library";
import type { MatchConfig } from "../types";

/**
 * What every function of the library is called with (lua/library.ts): KEYS[1] = the namespace
 * prefix, ARGV[1..8] = this header, ARGV[9..] = the function's own arguments. Each function has
 * a module here that builds those arguments and decodes its reply.
 */

/** ARGV[1..8] of every function: the clock and the config, in the order lua/state.lua `begin` reads them. */
export function functionHeader(config: MatchConfig, now: number): (string | number)[] {
  return [
    now,
    config.window,
    config.relaxMoodAfterMs,
    config.rematchWindowMs,
    config.cooldownResetAfterMs,
    config.skipFree,
    config.skipWindowMs,
    config.cooldownStepsMs.join(","),
  ];
}

/** One function of the library: its arguments after the header, and its reply, typed. */
export interface FunctionProtocol<Args extends unknown[], Result> {
  readonly name: MatchFunction;
  args(...args: Args): (string | number)[];
  decode(reply: unknown): Result;
}

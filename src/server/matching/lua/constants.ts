import "server-only";
import { SELF_END_REASONS } from "../cooldown";
import {
  encodeRequest,
  modeDigit,
  moodDigit,
  QUEUE_SCORE_SCALE,
  SESSION_FIELDS,
  SESSION_KIND_FRIEND,
  TICKET_PAD_FIELD,
} from "../redis-codec";
import { DEFAULT_REQUEUE, WAIT_SAMPLES } from "../rules";
import { SAME_MOOD_BONUS } from "../select";
import { CROSS_STANDING_PENALTY, standingDigit } from "../standing";

/**
 * The values the Lua shares with TypeScript, under the names the .lua files use. Each is defined
 * once in TypeScript and injected as a `local` at the top of the assembled library, so reordering
 * MOODS or changing the mood bonus cannot leave the Lua behind (lua/constants.test.ts checks that
 * no .lua file keeps a copy of its own).
 */
export const LUA_CONSTANTS = {
  QUEUE_SCORE_SCALE,
  SAME_MOOD_BONUS,
  WAIT_SAMPLES,
  RANDOM_MOOD: moodDigit("random"),
  MODE_ANY: modeDigit("any"),
  STANDING_LOW: standingDigit("low"),
  STANDING_NEWCOMER: standingDigit("newcomer"),
  CROSS_STANDING_PENALTY,
  SESSION_KIND_FRIEND,
  /** 1-based positions of a session value's fields the functions read by position (SESSION_FIELDS). */
  SESSION_FIELD_COUNT: SESSION_FIELDS.length,
  REQUEST_FIELD_A: SESSION_FIELDS.indexOf("aq") + 1,
  REQUEST_FIELD_B: SESSION_FIELDS.indexOf("bq") + 1,
  REVEAL_FIELD_A: SESSION_FIELDS.indexOf("ar") + 1,
  REVEAL_FIELD_B: SESSION_FIELDS.indexOf("br") + 1,
  TICKET_PAD_FIELD,
  DEFAULT_REQUEUE_REQUEST: encodeRequest(DEFAULT_REQUEUE.prefs, DEFAULT_REQUEUE.profile),
  /** `\x1f<reason>\x1f` per reason: the Lua tests membership with a plain find. */
  SELF_END_REASONS: `\x1f${SELF_END_REASONS.join("\x1f")}\x1f`,
} as const;

/** A Lua literal for a constant: numbers as they are, strings with every byte outside printable ASCII as \ddd. */
export function luaLiteral(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  let out = "'";
  for (const ch of Buffer.from(value, "utf8")) {
    const printable = ch >= 0x20 && ch < 0x7f && ch !== 0x27 && ch !== 0x5c;
    out += printable ? String.fromCharCode(ch) : `\\${ch}`;
  }
  return `${out}'`;
}

/** The library's first lines: one `local NAME = value` per shared constant. */
export function luaConstantsHeader(): string {
  const lines = Object.entries(LUA_CONSTANTS).map(([name, value]) => `local ${name} = ${luaLiteral(value)}`);
  return ["-- injected from TypeScript (lua/constants.ts)", ...lines].join("\n");
}

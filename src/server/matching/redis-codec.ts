import type { EndReason, MatchMode, Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import type { Waiter } from "./select";
import { roomNameFor } from "./rules";
import { standingDigit, standingFromDigit, type Standing } from "./standing";
import type { EndedSession, LiveSession, Preferences, Profile } from "./types";

/** Encodings shared with the Lua (lua/tickets.lua describes them; instructions/matching.md "Redis layout"). */

export const QUEUE_SCORE_SCALE = 1024;
const FIELD = "\x1e";
const ITEM = "\x1f";

export function moodDigit(mood: Mood): number {
  return MOODS.indexOf(mood);
}

export function modeDigit(mode: MatchMode): number {
  return mode === "any" ? 1 : 0;
}

/** The request a ticket is built from: `<mood><mode><standing>\x1e<interests>\x1e<profile JSON>`. */
export function encodeRequest(prefs: Preferences, profile: Profile, standing: Standing = "regular"): string {
  const profileJson = JSON.stringify({ nickname: profile.nickname, avatar: profile.avatar ?? null });
  // interests are wrapped (\x1fa\x1fb\x1f) so Lua can test one with a plain find of \x1fname\x1f
  const interests = prefs.interests.length ? `${ITEM}${prefs.interests.join(ITEM)}${ITEM}` : "";
  return `${moodDigit(prefs.mood)}${modeDigit(prefs.mode)}${standingDigit(standing)}${FIELD}${interests}${FIELD}${profileJson}`;
}

/**
 * A waiting ticket as selection sees it (no profile): the entries of the window snapshot and the
 * sweep. Parsed by position, not split, because a snapshot decodes a whole window at a time.
 */
export interface WindowEntry extends Waiter {
  version: string;
}

export function windowEntryFrom(userId: string, ticket: string): WindowEntry {
  const interestsAt = ticket.indexOf(FIELD) + 1;
  const profileAt = ticket.indexOf(FIELD, interestsAt) + 1;
  const comma = ticket.indexOf(",");
  const version = ticket.slice(3, comma);
  const interests = ticket.slice(interestsAt + 1, profileAt - 2); // inside the wrapping \x1f…\x1f
  return {
    userId,
    version,
    since: Number(ticket.slice(comma + 1, interestsAt - 1)),
    seq: Number(version) % QUEUE_SCORE_SCALE,
    standing: standingFromDigit(ticket[2]),
    prefs: {
      mood: MOODS[Number(ticket[0])] ?? "random",
      mode: ticket[1] === "1" ? "any" : "same_mood",
      interests: interests ? interests.split(ITEM) : [],
    },
  };
}

export interface DecodedTicket {
  version: string;
  since: number;
  prefs: Preferences;
  profile: Profile;
}

export function decodeTicket(v: string): DecodedTicket {
  const { version, since, prefs } = windowEntryFrom("", v);
  return { version, since, prefs, profile: JSON.parse(v.slice(v.indexOf(FIELD, v.indexOf(FIELD) + 1) + 1)) as Profile };
}

/** The member of `bar` (barred pairs) for a pair: both ids in order (the Lua pair_key). */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}${ITEM}${b}` : `${b}${ITEM}${a}`;
}

/** A user's cooldown as stored in `cd`: `<level>,<until>` (lua/cooldown.lua). */
export function decodeCooldown(value: string): { level: number; until: number } {
  const [level, until] = value.split(",");
  return { level: Number(level), until: Number(until) };
}

/** A field in `tix` that is not a ticket (keeps the hash out of the listpack encoding). */
export const TICKET_PAD_FIELD = "~pad~";

/**
 * A session's stored value: its fields joined by \x1d in this order (lua/sessions.lua writes it;
 * an end or an activation rewrites the head). Empty = not set.
 */
export const SESSION_FIELDS = [
  "id",
  "a",
  "b",
  "c",
  "act",
  "e",
  "rs",
  "by",
  "am",
  "bm",
  "aw",
  "bw",
  "sc",
  "ci",
  "ap",
  "bp",
  "k",
  "aq",
  "bq",
  "ar",
  "br",
] as const;
const SESSION_SEP = "\x1d";
/** The `k` field of a friend call's session (empty for a match). */
export const SESSION_KIND_FRIEND = "friend";

/** A stored session value (or a missing one) → its set fields, or null. */
export function sessionFields(value: unknown): Record<string, string> | null {
  if (typeof value !== "string" || value === "") return null;
  const parts = value.split(SESSION_SEP);
  const out: Record<string, string> = {};
  SESSION_FIELDS.forEach((name, i) => {
    const v = parts[i];
    if (v) out[name] = v;
  });
  return out;
}

export function sessionFrom(f: Record<string, string>): LiveSession {
  const id = f.id!;
  const member = (who: "a" | "b") => {
    const profile = JSON.parse(f[`${who}p`] ?? "{}") as Profile;
    return {
      userId: f[who]!,
      nickname: profile.nickname,
      avatar: profile.avatar ?? null,
      mood: MOODS[Number(f[`${who}m`])] ?? "random",
      ...(f[`${who}w`] !== undefined ? { waitedMs: Number(f[`${who}w`]) } : {}),
    };
  };
  return {
    id,
    roomName: roomNameFor(id),
    a: member("a"),
    b: member("b"),
    commonInterests: f.ci ? f.ci.split(ITEM) : [],
    score: Number(f.sc ?? 0),
    createdAt: Number(f.c),
    activeAt: f.act ? Number(f.act) : null,
    ...(f.k === SESSION_KIND_FRIEND ? { kind: "friend" as const } : {}),
    revealedAt: { a: f.ar ? Number(f.ar) : null, b: f.br ? Number(f.br) : null },
  };
}

export function endedSessionFrom(f: Record<string, string>): EndedSession {
  return {
    ...sessionFrom(f),
    endedAt: Number(f.e),
    reason: f.rs as EndReason,
    endedBy: f.by ? f.by : null,
  };
}

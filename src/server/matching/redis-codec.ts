import type { EndReason, Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import type { Waiter } from "./select";
import { roomNameFor } from "./rules";
import type { EndedSession, LiveSession, Preferences, Profile } from "./types";

/** Encodings shared with lua/scripts.ts (see the comment there). */

export const QUEUE_SCORE_SCALE = 1024;
const FIELD = "\x1e";
const ITEM = "\x1f";

export function moodDigit(mood: Mood): number {
  return MOODS.indexOf(mood);
}

/** The request a ticket is built from: `<mood><mode>\x1e<interests>\x1e<profile JSON>`. */
export function encodeRequest(prefs: Preferences, profile: Profile): string {
  const mode = prefs.mode === "any" ? 1 : 0;
  const profileJson = JSON.stringify({ nickname: profile.nickname, avatar: profile.avatar ?? null });
  // interests are wrapped (\x1fa\x1fb\x1f) so Lua can test one with a plain find of \x1fname\x1f
  const interests = prefs.interests.length ? `${ITEM}${prefs.interests.join(ITEM)}${ITEM}` : "";
  return `${moodDigit(prefs.mood)}${mode}${FIELD}${interests}${FIELD}${profileJson}`;
}

export interface DecodedTicket {
  version: string;
  since: number;
  prefs: Preferences;
  profile: Profile;
}

export function decodeTicket(v: string): DecodedTicket {
  const [head = "", interests = "", profile = "{}"] = v.split(FIELD);
  return {
    version: head.slice(2).split(",")[0]!,
    since: Number(head.split(",")[1]),
    prefs: {
      mood: MOODS[Number(head[0])] ?? "random",
      mode: head[1] === "1" ? "any" : "same_mood",
      interests: interests.split(ITEM).filter(Boolean),
    },
    profile: JSON.parse(profile) as Profile,
  };
}

/** The queue orders by since·1024 + version mod 1024; the same order in Node. */
export function waiterFrom(userId: string, ticket: DecodedTicket): Waiter {
  return { userId, prefs: ticket.prefs, since: ticket.since, seq: Number(ticket.version) % QUEUE_SCORE_SCALE };
}

/** A field in `tix` that is not a ticket (keeps the hash out of the listpack encoding). */
export const TICKET_PAD_FIELD = "~pad~";

/** HGETALL reply (flat array or object) → field map. */
export function fieldsOf(reply: unknown): Record<string, string> | null {
  if (!reply) return null;
  if (Array.isArray(reply)) {
    if (reply.length === 0) return null;
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
    return out;
  }
  const obj = reply as Record<string, string>;
  return Object.keys(obj).length ? obj : null;
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

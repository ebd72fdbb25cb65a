import "server-only";
import type { EndReason } from "@/lib/schemas";
import { QUEUE_SCORE_SCALE } from "../redis-codec";
import type { EnqueueOutcome } from "../types";
import type { FunctionProtocol } from "./header";
import { endedSessionReply, sessionReply } from "./session-reply";

/**
 * batch (lua/batch.lua): the enqueues and ends of one event-loop turn in one call, each seeing
 * the ones before it; one reply per operation, in order.
 */

/** One operation of a batch, encoded: an enqueue ("E") or an end ("X"). */
export type BatchOp = (string | number)[];

export interface EnqueueRequest {
  userId: string;
  /** encodeRequest(prefs, profile) */
  request: string;
  /** The id of the session this call creates if it matches (a resent call reuses it). */
  sessionId: string;
  /** The newest queue score the ranking saw: arrivals after it are scanned when nobody was ranked. */
  unseenAfter: string;
  /** Node's ranking, best first: each candidate with the ticket version it saw. */
  ranked: { userId: string; version: string }[];
}

export function enqueueOp(e: EnqueueRequest): BatchOp {
  return [
    "E",
    e.userId,
    e.request,
    e.sessionId,
    e.unseenAfter,
    e.ranked.length,
    ...e.ranked.flatMap((r) => [r.userId, r.version]),
  ];
}

export function endOp(sessionId: string, reason: EndReason, endedBy: string | null): BatchOp {
  return ["X", sessionId, reason, endedBy ?? ""];
}

export const batchFunction: FunctionProtocol<[ops: BatchOp[]], unknown[]> = {
  name: "batch",
  args: (ops) => ops.flat(),
  decode: (reply) => reply as unknown[],
};

/** An enqueue's reply: the outcome, the ranked ids found gone or changed, and a new ticket's version and since. */
export interface EnqueueReply {
  outcome: EnqueueOutcome;
  stale: string[];
  /** The ticket now waiting (outcome waiting): what the window snapshot needs to add it. */
  ticket?: { version: string; since: number; seq: number };
}

/**
 * {matched, sessionId, created, session, stale} | {waiting, position, count, version, since,
 * stale} | {cooldown, until}
 */
export function decodeEnqueueReply(value: unknown): EnqueueReply {
  const reply = value as unknown[];
  switch (reply[0]) {
    case "cooldown":
      return { outcome: { kind: "cooldown", until: Number(reply[1]) }, stale: [] };
    case "matched":
      return {
        outcome: { kind: "matched", session: sessionReply(reply[3]), created: reply[2] === "1" },
        stale: staleIds(reply[4]),
      };
    default: {
      const version = String(reply[3]);
      return {
        outcome: { kind: "waiting", position: Number(reply[1]), waiting: Number(reply[2]) },
        stale: staleIds(reply[5]),
        ticket: { version, since: Number(reply[4]), seq: Number(version) % QUEUE_SCORE_SCALE },
      };
    }
  }
}

/** An end's reply: the ended session, or null when it was not live. */
export const decodeEndReply = endedSessionReply;

const staleIds = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);

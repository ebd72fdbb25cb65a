/**
 * The client-side log of a run: every request a simulated user made and every event its
 * stream delivered, with wall-clock times (epoch ms, sub-ms precision, same clock as the
 * servers on this machine). Metrics and invariant checks are computed from it afterwards.
 */
import type { EndReason, MatchMode, Mood } from "@/lib/schemas";

export interface Prefs {
  mood: Mood;
  mode: MatchMode;
  interests: string[];
}

export type Op = "enqueue" | "skip" | "end" | "chat" | "block" | "report" | "status";
export type Outcome = "waiting" | "in_session" | "idle" | "cooldown" | "error";

export interface RequestEntry {
  kind: "req";
  user: string;
  op: Op;
  t0: number;
  t1: number;
  httpStatus: number; // 0: network error
  outcome: Outcome;
  code?: string;
  /** The session the answer puts the user in (enqueue/skip → in_session, status). */
  sessionId?: string;
  /** The session this request acted on (skip/end/chat/block/report). */
  target?: string;
  prefs?: Prefs;
  error?: string;
  /** The phase tag of the driver when the request was made. */
  phase: string;
}

export interface EventEntry {
  kind: "sse";
  user: string;
  t: number;
  event: string;
  id: number;
  /** Id ≤ the id of the last `state` on this connection: a replayed notice the snapshot covers. */
  covered: boolean;
  conn: number;
  sessionId?: string;
  reason?: EndReason;
  partner?: string;
  /** For `state`: the snapshot's status. */
  status?: string;
  phase: string;
}

export interface StreamEntry {
  kind: "stream";
  user: string;
  t: number;
  what: "open" | "closed" | "reconnect" | "refused";
  conn: number;
  url: string;
  /** For `refused`: the answer's status and error code. */
  httpStatus?: number;
  code?: string;
  phase: string;
}

/** The client's belief disagreed with the server when it re-read /status (after an error, a long wait or at the end). */
export interface ResyncEntry {
  kind: "resync";
  user: string;
  t: number;
  why: string;
  believed: string;
  server: string;
  phase: string;
}

export type Entry = RequestEntry | EventEntry | StreamEntry | ResyncEntry;

export class History {
  readonly entries: Entry[] = [];
  phase = "setup";
  add(
    entry: Omit<RequestEntry, "phase"> | Omit<EventEntry, "phase"> | Omit<StreamEntry, "phase"> | Omit<ResyncEntry, "phase">,
  ): void {
    this.entries.push({ ...entry, phase: this.phase } as Entry);
  }
  of<K extends Entry["kind"]>(kind: K): Extract<Entry, { kind: K }>[] {
    return this.entries.filter((e): e is Extract<Entry, { kind: K }> => e.kind === kind);
  }
}

/** Epoch milliseconds with sub-millisecond precision. */
export const now = (): number => performance.timeOrigin + performance.now();

import type { EndReason, MatchMode, Mood } from "@/lib/schemas";
import type { Standing } from "./standing";

/**
 * The matching store contract (instructions/matching.md "Rules"). Two drivers implement it — Redis (shared by all
 * app instances) and in-process (embedded default) — and both pass one contract test suite.
 * The store owns live state only; Postgres, LiveKit and event delivery are the caller's job.
 * All times are epoch milliseconds passed in by the caller (`now`) so tests control the clock.
 */

export interface Preferences {
  mood: Mood;
  interests: string[];
  mode: MatchMode;
}

export interface Profile {
  nickname: string;
  avatar: string | null;
}

export interface MatchConfig {
  rematchWindowMs: number; // 24 h: a pair that met is not matched again within this
  relaxMoodAfterMs: number; // 10 s: same_mood becomes any mood after this much waiting
  skipFree: number; // 10: skips allowed within skipWindowMs before a cooldown
  skipWindowMs: number; // 10 min
  cooldownStepsMs: number[]; // [1 min, 5 min, 15 min]
  cooldownResetAfterMs: number; // a conversation this long (60 s) resets the cooldown level
  presenceTimeoutMs: number; // 60 s without heartbeat/stream: ticket dropped, session timed out
  window: number; // candidates examined per attempt (≤ 200)
}

export interface SessionMember extends Profile {
  userId: string;
  mood: Mood;
  /** How long this member waited in the queue before the match (ms), when known. */
  waitedMs?: number;
}

export interface LiveSession {
  id: string;
  roomName: string; // mm_<id>
  a: SessionMember;
  b: SessionMember;
  commonInterests: string[];
  score: number;
  createdAt: number;
  activeAt: number | null;
  /** "friend": started by a friend call accepted (startPair); absent: a random match. */
  kind?: "friend";
  /**
   * When each member pressed Reveal (consent-first video, instructions/api.md "Reveal"); null
   * until then. Once set it stays set for the session's life: a reveal cannot be taken back.
   */
  revealedAt: { a: number | null; b: number | null };
}

export interface EndedSession extends LiveSession {
  endedAt: number;
  reason: EndReason;
  endedBy: string | null; // user id, or null for timeouts/webhooks/cron
}

export interface QueuePosition {
  position: number; // 1-based, by enqueue time
  waiting: number; // total tickets waiting
}

export type UserState =
  | { status: "idle"; cooldownUntil: number | null }
  | ({ status: "waiting"; since: number; prefs: Preferences; cooldownUntil: number | null } & QueuePosition)
  | { status: "in_session"; session: LiveSession; cooldownUntil: number | null };

export type EnqueueOutcome =
  | ({ kind: "waiting" } & QueuePosition)
  | { kind: "matched"; session: LiveSession; created: boolean } // created=false: already in it
  | { kind: "cooldown"; until: number };

export type SkipOutcome =
  | { kind: "not_in_session" }
  | { kind: "cooldown"; until: number; ended: EndedSession | null }
  /** requeue is null when the skip was asked not to re-queue (maintenance). */
  | { kind: "skipped"; ended: EndedSession; requeue: EnqueueOutcome | null };

/** One side of a friend call (startPair): who, and what their partner sees. */
export interface PairMember {
  userId: string;
  profile: Profile;
  /** Kept for a Next from the call, which re-queues with it. */
  standing: Standing;
}

export type StartPairOutcome =
  | { kind: "created"; session: LiveSession }
  /** in_session: either is in a call; excluded: a block or report between them; self: one user twice. */
  | { kind: "conflict"; reason: "in_session" | "excluded" | "self" };

export interface SkipOptions {
  /** Re-queue with the request kept on the session (default true); false during maintenance. */
  requeue?: boolean;
}

/** `reveal`: the live session with the member's reveal recorded, or why not. */
export type RevealOutcome =
  | { kind: "revealed"; session: LiveSession }
  | { kind: "not_live" } // unknown or ended
  | { kind: "not_member" };

export interface ExpiryResult {
  droppedTickets: string[]; // user ids whose waiting ticket was dropped for lack of presence
  timedOut: EndedSession[]; // sessions ended with reason "timeout"
}

export interface QueueStats {
  waiting: number;
  byMood: Record<Mood, number>;
  liveSessions: number;
  /** Mean wait of the most recent matches (ms), for the queue's estimated wait; 0 if none yet. */
  avgWaitMs: number;
}

export interface MatchStore {
  /**
   * Put the user in the queue (or update the preferences of their waiting ticket, keeping its
   * place) and try to match them at once. A user already in a session gets
   * `{kind:"matched", created:false}`; the caller turns that into 409 ALREADY_IN_SESSION.
   * `standing` (default regular) is the user's trust standing for this request (standing.ts);
   * a skip's re-queue keeps the one its session was made with.
   */
  enqueue(userId: string, prefs: Preferences, profile: Profile, now: number, standing?: Standing): Promise<EnqueueOutcome>;
  /**
   * Start a session between two given users (a friend call accepted), atomically: refused when
   * either is in a session or the pair is excluded; both leave the queue if waiting. The session
   * (kind "friend") then lives like a match's: the same outbox, ends, skips and webhooks. It
   * remembers the pair like a match but adds no wait sample. `sessionId` makes a resent call
   * return the session it made instead of a second one.
   */
  startPair(a: PairMember, b: PairMember, sessionId: string, now: number): Promise<StartPairOutcome>;
  /** Leave the queue if waiting. Returns whether a ticket was removed. */
  cancel(userId: string): Promise<boolean>;
  /** Re-evaluate every waiting user (relaxation over time); returns the sessions it created. Safe to run on every instance at once. */
  sweep(now: number): Promise<LiveSession[]>;
  /** End the user's current session (reason "skip"), apply skip cooldown rules, re-queue them with their last preferences (unless `requeue: false`). */
  skip(userId: string, now: number, options?: SkipOptions): Promise<SkipOutcome>;
  /**
   * End a live session exactly once; null when it is not live (already ended or unknown). A
   * short session its user ended themself (`endCountsAsSkip`, cooldown.ts) counts as their skip.
   */
  endSession(sessionId: string, reason: EndReason, endedBy: string | null, now: number): Promise<EndedSession | null>;
  /**
   * Record that this member consents to sharp video in this live session (the first time only:
   * a second reveal keeps the first time). Refused for an ended session and for a non-member.
   */
  reveal(sessionId: string, userId: string, now: number): Promise<RevealOutcome>;
  /** Mark a session active (both joined the room). Idempotent. */
  activate(sessionId: string, now: number): Promise<LiveSession | null>;
  getState(userId: string, now: number): Promise<UserState>;
  getSession(sessionId: string): Promise<LiveSession | null>;
  listLiveSessions(): Promise<LiveSession[]>;
  /** The first `limit` waiting users in queue order, with their positions (for queue events). */
  listWaiting(limit: number): Promise<({ userId: string } & QueuePosition)[]>;
  /** Presence: heartbeat or open event stream. */
  touch(userId: string, now: number): Promise<void>;
  /** When each of these users was last present (ms); absent when never seen or already expired. */
  lastSeen(userIds: string[]): Promise<Map<string, number>>;
  /** Drop tickets and time out sessions whose users have had no presence for presenceTimeoutMs. */
  expire(now: number): Promise<ExpiryResult>;
  /** Never match these two again (blocks and reports), both ways. */
  exclude(userA: string, userB: string): Promise<void>;
  /**
   * Exclusions and recent pairs live in Postgres too; after a store restart they are loaded
   * back once per user. Returns false if the user was already primed.
   */
  prime(userId: string, data: { excluded: string[]; recent: { userId: string; at: number }[] }): Promise<boolean>;
  isPrimed(userId: string): Promise<boolean>;
  stats(): Promise<QueueStats>;
  /**
   * The outbox: sessions whose start or end was decided here but whose announcement (Postgres
   * record, LiveKit room, events) has not been confirmed with `markAnnounced`, decided before
   * `before`, oldest first. A crash or a lost connection between the decision and the
   * announcement leaves them here for the background reconciler.
   */
  unannounced(before: number, limit: number): Promise<{ starts: LiveSession[]; ends: EndedSession[] }>;
  markAnnounced(kind: "start" | "end", sessionId: string): Promise<void>;
  /** Release connections/timers the driver owns (not a shared client passed in). */
  close(): Promise<void>;
}

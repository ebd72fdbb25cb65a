import "server-only";
import type { EndReason, Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import {
  clearCooldownLevel,
  cooldownUntil,
  countSkip,
  endCountsAsSkip,
  escalateCooldown,
  resetsCooldownLevel,
  type CooldownRecord,
} from "./cooldown";
import { DEFAULT_REQUEUE, newSessionId, roomNameFor, WAIT_SAMPLES } from "./rules";
import {
  applyWindow,
  fifoOrder,
  normalizeInterests,
  pairUp,
  pickPartner,
  type PairBlocked,
  type PartnerPick,
  type Waiter,
} from "./select";
import type { Standing } from "./standing";
import type {
  EndedSession,
  EnqueueOutcome,
  ExpiryResult,
  LiveSession,
  MatchConfig,
  MatchStore,
  PairMember,
  Preferences,
  Profile,
  QueuePosition,
  QueueStats,
  RevealOutcome,
  SkipOptions,
  SkipOutcome,
  StartPairOutcome,
  UserState,
} from "./types";

/**
 * In-process driver (embedded default, one process). Same observable behaviour as the Redis
 * driver; every method runs synchronously inside one call, so each is atomic by construction.
 */

interface Ticket extends Waiter {
  profile: Profile;
}

/** Everything one in-process store knows. */
interface MemoryState {
  config: MatchConfig;
  /** Waiting tickets in FIFO order (since, seq). */
  queue: Ticket[];
  tickets: Map<string, Ticket>;
  live: Map<string, LiveSession>;
  currentSession: Map<string, string>;
  lastRequest: Map<string, { prefs: Preferences; profile: Profile; standing: Standing }>;
  excluded: Map<string, Set<string>>;
  recent: Map<string, Map<string, number>>;
  primed: Set<string>;
  skipTimes: Map<string, number[]>;
  cooldowns: Map<string, CooldownRecord>;
  presence: Map<string, number>;
  /** Users whose presence expired, since when: after FORGET_ABSENT_MS their per-user entries go. */
  absentSince: Map<string, number>;
  waits: number[];
  /** The outbox: decided here, not yet confirmed as announced. */
  pendingStarts: Map<string, LiveSession>;
  pendingEnds: Map<string, EndedSession>;
  seq: number;
  /** Record times never run backwards (see the Redis driver's clock). */
  clock: number;
}

export interface MemoryMatchStore extends MatchStore {
  /** Users any per-user map still holds (tests: people long gone are forgotten). */
  trackedUsers(): number;
}

export function createMemoryMatchStore(config: MatchConfig): MemoryMatchStore {
  const state: MemoryState = {
    config,
    queue: [],
    tickets: new Map(),
    live: new Map(),
    currentSession: new Map(),
    lastRequest: new Map(),
    excluded: new Map(),
    recent: new Map(),
    primed: new Set(),
    skipTimes: new Map(),
    cooldowns: new Map(),
    presence: new Map(),
    absentSince: new Map(),
    waits: [],
    pendingStarts: new Map(),
    pendingEnds: new Map(),
    seq: 0,
    clock: 0,
  };
  return {
    enqueue: async (userId, prefs, profile, now, standing = "regular") => enqueue(state, userId, prefs, profile, now, standing),
    startPair: async (a, b, sessionId, now) => startPair(state, a, b, sessionId, now),
    cancel: async (userId) => removeTicket(state, userId),
    sweep: async (now) => sweep(state, now),
    skip: async (userId, now, options) => skip(state, userId, now, options),
    endSession: async (sessionId, reason, endedBy, now) => endSession(state, sessionId, reason, endedBy, now),
    activate: async (sessionId, now) => activate(state, sessionId, now),
    reveal: async (sessionId, userId, now) => reveal(state, sessionId, userId, now),
    getState: async (userId, now) => getState(state, userId, now),
    getSession: async (sessionId) => copyOf(state.live.get(sessionId)),
    listLiveSessions: async () => [...state.live.values()].map((s) => ({ ...s })),
    listWaiting: async (limit) =>
      state.queue
        .slice(0, Math.max(0, limit))
        .map((t, i) => ({ userId: t.userId, position: i + 1, waiting: state.queue.length })),
    touch: async (userId, now) => touch(state, userId, now),
    lastSeen: async (userIds) =>
      new Map(userIds.flatMap((id) => (state.presence.has(id) ? [[id, state.presence.get(id)!]] : []))),
    expire: async (now) => expire(state, now),
    exclude: async (a, b) => exclude(state, a, b),
    prime: async (userId, data) => prime(state, userId, data),
    isPrimed: async (userId) => state.primed.has(userId),
    stats: async () => stats(state),
    unannounced: async (before, limit) => unannounced(state, before, limit),
    markAnnounced: async (kind, sessionId) => void (kind === "start" ? state.pendingStarts : state.pendingEnds).delete(sessionId),
    close: async () => {},
    trackedUsers: () => trackedUsers(state),
  };
}

function trackedUsers(state: MemoryState): number {
  const perUser = [
    state.tickets,
    state.currentSession,
    state.lastRequest,
    state.excluded,
    state.recent,
    state.primed,
    state.skipTimes,
    state.cooldowns,
    state.presence,
    state.absentSince,
  ];
  return new Set(perUser.flatMap((m) => [...m.keys()])).size;
}

// ---------------------------------------------------------------- operations

function enqueue(
  state: MemoryState,
  userId: string,
  prefs: Preferences,
  profile: Profile,
  now: number,
  standing: Standing,
): EnqueueOutcome {
  const until = cooldownUntil(state.cooldowns.get(userId), now);
  if (until !== null) return { kind: "cooldown", until };
  const sid = state.currentSession.get(userId);
  if (sid) return { kind: "matched", session: state.live.get(sid)!, created: false };
  touch(state, userId, now);
  const clean: Preferences = { ...prefs, interests: normalizeInterests(prefs.interests) };
  state.lastRequest.set(userId, { prefs: clean, profile, standing });
  const existing = state.tickets.get(userId);
  const seeker: Ticket = existing
    ? { ...existing, prefs: clean, profile, standing }
    : { userId, prefs: clean, profile, standing, since: now, seq: ++state.seq };
  const candidates = applyWindow(state.queue, state.config.window);
  const pick = pickPartner(seeker, candidates, now, state.config, pairBlocked(state, now));
  if (pick) return { kind: "matched", session: createSession(state, seeker, pick, now), created: true };
  if (existing) {
    existing.prefs = clean;
    existing.profile = profile;
    existing.standing = standing;
    return { kind: "waiting", ...position(state, existing) };
  }
  state.queue.splice(queueIndex(state, seeker), 0, seeker);
  state.tickets.set(userId, seeker);
  return { kind: "waiting", ...position(state, seeker) };
}

function sweep(state: MemoryState, now: number): LiveSession[] {
  const ordered = applyWindow(state.queue, state.config.window);
  const created: LiveSession[] = [];
  for (const { seeker, pick } of pairUp(ordered, now, state.config, pairBlocked(state, now))) {
    created.push(createSession(state, seeker as Ticket, pick, now));
  }
  return created;
}

function skip(state: MemoryState, userId: string, now: number, options: SkipOptions = {}): SkipOutcome {
  const until = cooldownUntil(state.cooldowns.get(userId), now);
  if (until !== null) return { kind: "cooldown", until, ended: null };
  const sid = state.currentSession.get(userId);
  if (!sid) return { kind: "not_in_session" };
  const ended = endSession(state, sid, "skip", userId, now)!;
  const cooldown = countSkipOf(state, userId, now);
  if (cooldown !== null) return { kind: "cooldown", until: cooldown, ended };
  if (options.requeue === false) return { kind: "skipped", ended, requeue: null };
  const last = state.lastRequest.get(userId) ?? { ...DEFAULT_REQUEUE, standing: "regular" };
  return { kind: "skipped", ended, requeue: enqueue(state, userId, last.prefs, last.profile, now, last.standing) };
}

/** One skip counted for the user → the end of the cooldown it starts, or null. */
function countSkipOf(state: MemoryState, userId: string, now: number): number | null {
  const { recent, exceeded } = countSkip(state.skipTimes.get(userId) ?? [], now, state.config);
  state.skipTimes.set(userId, recent);
  if (!exceeded) return null;
  const next = escalateCooldown(state.cooldowns.get(userId)?.level ?? 0, state.config, now);
  state.cooldowns.set(userId, next);
  return next.until;
}

function endSession(
  state: MemoryState,
  sessionId: string,
  reason: EndReason,
  endedBy: string | null,
  callNow: number,
): EndedSession | null {
  const s = state.live.get(sessionId);
  if (!s) return null;
  const now = monotonic(state, callNow);
  state.live.delete(sessionId);
  for (const m of [s.a, s.b]) {
    if (state.currentSession.get(m.userId) === sessionId) state.currentSession.delete(m.userId);
    const c = state.cooldowns.get(m.userId);
    if (c && resetsCooldownLevel(s, now, state.config)) state.cooldowns.set(m.userId, clearCooldownLevel(c));
  }
  if (endCountsAsSkip(reason, endedBy, s, now, state.config)) countSkipOf(state, endedBy!, now);
  const ended = { ...s, endedAt: now, reason, endedBy };
  state.pendingEnds.set(sessionId, ended);
  return ended;
}

function activate(state: MemoryState, sessionId: string, now: number): LiveSession | null {
  const s = state.live.get(sessionId);
  if (!s) return null;
  if (s.activeAt === null) s.activeAt = now;
  return { ...s };
}

function reveal(state: MemoryState, sessionId: string, userId: string, now: number): RevealOutcome {
  const s = state.live.get(sessionId);
  if (!s) return { kind: "not_live" };
  const side = s.a.userId === userId ? "a" : s.b.userId === userId ? "b" : null;
  if (!side) return { kind: "not_member" };
  // replaced, never mutated: copies handed out earlier keep what they saw
  if (s.revealedAt[side] === null) s.revealedAt = { ...s.revealedAt, [side]: now };
  return { kind: "revealed", session: { ...s } };
}

function touch(state: MemoryState, userId: string, now: number): void {
  state.presence.set(userId, Math.max(now, state.presence.get(userId) ?? 0));
  state.absentSince.delete(userId);
}

function expire(state: MemoryState, now: number): ExpiryResult {
  const cutoff = now - state.config.presenceTimeoutMs;
  const result: ExpiryResult = { droppedTickets: [], timedOut: [] };
  for (const [userId, seen] of state.presence) {
    if (seen > cutoff) continue;
    if (removeTicket(state, userId)) result.droppedTickets.push(userId);
    const sid = state.currentSession.get(userId);
    const ended = sid ? endSession(state, sid, "timeout", null, now) : null;
    if (ended) result.timedOut.push(ended);
    state.presence.delete(userId);
    state.absentSince.set(userId, now);
  }
  forgetLongAbsent(state, now);
  return result;
}

/**
 * Per-user entries of people gone for an hour are dropped, so one process's maps do not grow with
 * every guest who ever came by (the Redis driver's keys expire or are shared). What this forgets
 * comes back: exclusions and recent partners are primed from Postgres again on the next enqueue,
 * the skip window (10 min) and any cooldown (≤ 15 min) are over; only a cooldown's offence level
 * is forgotten (instructions/safety-and-operations.md "Bounded in-process state").
 */
export const FORGET_ABSENT_MS = 3_600_000;

function forgetLongAbsent(state: MemoryState, now: number): void {
  for (const [userId, since] of state.absentSince) {
    if (now - since < FORGET_ABSENT_MS) continue;
    state.absentSince.delete(userId);
    if (state.presence.has(userId) || state.tickets.has(userId) || state.currentSession.has(userId)) continue;
    if (cooldownUntil(state.cooldowns.get(userId), now) !== null) continue;
    state.lastRequest.delete(userId);
    state.skipTimes.delete(userId);
    state.cooldowns.delete(userId);
    state.excluded.delete(userId); // still barred from the other side's set, and primed again on return
    state.primed.delete(userId);
    state.recent.delete(userId);
  }
}

function exclude(state: MemoryState, a: string, b: string): void {
  setOf(state.excluded, a).add(b);
  setOf(state.excluded, b).add(a);
}

function prime(
  state: MemoryState,
  userId: string,
  data: { excluded: string[]; recent: { userId: string; at: number }[] },
): boolean {
  if (state.primed.has(userId)) return false;
  state.primed.add(userId);
  for (const other of data.excluded) exclude(state, userId, other);
  for (const r of data.recent) {
    const mine = mapOf(state.recent, userId);
    mine.set(r.userId, Math.max(r.at, mine.get(r.userId) ?? 0));
    const theirs = mapOf(state.recent, r.userId);
    theirs.set(userId, Math.max(r.at, theirs.get(userId) ?? 0));
  }
  return true;
}

// ---------------------------------------------------------------- reads

function getState(state: MemoryState, userId: string, now: number): UserState {
  const cooldown = cooldownUntil(state.cooldowns.get(userId), now);
  const sid = state.currentSession.get(userId);
  if (sid) return { status: "in_session", session: { ...state.live.get(sid)! }, cooldownUntil: cooldown };
  const t = state.tickets.get(userId);
  if (t) return { status: "waiting", since: t.since, prefs: t.prefs, cooldownUntil: cooldown, ...position(state, t) };
  return { status: "idle", cooldownUntil: cooldown };
}

function stats(state: MemoryState): QueueStats {
  const byMood = Object.fromEntries(MOODS.map((m) => [m, 0])) as Record<Mood, number>;
  for (const t of state.queue) byMood[t.prefs.mood] += 1;
  const { waits } = state;
  const avgWaitMs = waits.length ? Math.round(waits.reduce((s, w) => s + w, 0) / waits.length) : 0;
  return { waiting: state.queue.length, byMood, liveSessions: state.live.size, avgWaitMs };
}

function unannounced(state: MemoryState, before: number, limit: number) {
  const starts = [...state.pendingStarts.values()].filter((x) => x.createdAt <= before).slice(0, limit);
  const ends = [...state.pendingEnds.values()].filter((x) => x.endedAt <= before).slice(0, limit);
  return { starts: starts.map((x) => ({ ...x })), ends: ends.map((x) => ({ ...x })) };
}

// ---------------------------------------------------------------- helpers

function createSession(state: MemoryState, a: Ticket, pick: PartnerPick, callNow: number): LiveSession {
  const now = monotonic(state, callNow);
  const b = pick.partner as Ticket;
  const id = newSessionId();
  const member = (t: Ticket) => ({ userId: t.userId, ...t.profile, mood: t.prefs.mood, waitedMs: now - t.since });
  const session = writeSession(state, {
    id,
    roomName: roomNameFor(id),
    a: member(a),
    b: member(b),
    commonInterests: pick.common,
    score: pick.score,
    createdAt: now,
    activeAt: null,
    revealedAt: { a: null, b: null },
  });
  state.waits.unshift(now - a.since, now - b.since);
  state.waits.length = Math.min(state.waits.length, WAIT_SAMPLES);
  return session;
}

/** The pair write both kinds of session share: tickets go, the session and pointers appear, the pair is remembered. */
function writeSession(state: MemoryState, session: LiveSession): LiveSession {
  const { id, a, b, createdAt } = session;
  removeTicket(state, a.userId);
  removeTicket(state, b.userId);
  state.live.set(id, session);
  state.pendingStarts.set(id, session);
  state.currentSession.set(a.userId, id);
  state.currentSession.set(b.userId, id);
  rememberPair(state, a.userId, b.userId, createdAt);
  rememberPair(state, b.userId, a.userId, createdAt);
  return session;
}

function startPair(state: MemoryState, a: PairMember, b: PairMember, sessionId: string, callNow: number): StartPairOutcome {
  // a resent call: the session it made if still live; an id is never reused for a second one
  const existing = state.live.get(sessionId);
  if (existing) return { kind: "created", session: { ...existing } };
  if (state.pendingEnds.has(sessionId)) return { kind: "conflict", reason: "in_session" };
  if (a.userId === b.userId) return { kind: "conflict", reason: "self" };
  if (state.currentSession.has(a.userId) || state.currentSession.has(b.userId)) return { kind: "conflict", reason: "in_session" };
  if (state.excluded.get(a.userId)?.has(b.userId) || state.excluded.get(b.userId)?.has(a.userId)) {
    return { kind: "conflict", reason: "excluded" };
  }
  const now = monotonic(state, callNow);
  const member = (m: PairMember) => {
    // Next from a friend call queues with what a skip falls back to (any mood, no interests)
    state.lastRequest.set(m.userId, { ...DEFAULT_REQUEUE, profile: m.profile, standing: m.standing });
    return { userId: m.userId, ...m.profile, mood: DEFAULT_REQUEUE.prefs.mood, waitedMs: 0 };
  };
  const session = writeSession(state, {
    id: sessionId,
    roomName: roomNameFor(sessionId),
    a: member(a),
    b: member(b),
    commonInterests: [],
    score: 0,
    createdAt: now,
    activeAt: null,
    revealedAt: { a: null, b: null },
    kind: "friend",
  });
  return { kind: "created", session: { ...session } };
}

function removeTicket(state: MemoryState, userId: string): boolean {
  const { queue } = state;
  const t = state.tickets.get(userId);
  if (!t) return false;
  const i = queueIndex(state, t);
  if (queue[i]?.userId === userId) queue.splice(i, 1);
  else
    queue.splice(
      queue.findIndex((q) => q.userId === userId),
      1,
    );
  state.tickets.delete(userId);
  return true;
}

function pairBlocked(state: MemoryState, now: number): PairBlocked {
  return (a, b) => {
    if (state.excluded.get(a)?.has(b) || state.excluded.get(b)?.has(a)) return true;
    const at = state.recent.get(a)?.get(b) ?? state.recent.get(b)?.get(a);
    return at !== undefined && now - at < state.config.rematchWindowMs;
  };
}

function rememberPair(state: MemoryState, user: string, other: string, now: number): void {
  const met = mapOf(state.recent, user);
  met.set(other, now);
  for (const [u, at] of met) if (now - at >= state.config.rematchWindowMs) met.delete(u); // keep it bounded
}

function queueIndex(state: MemoryState, t: Waiter): number {
  const { queue } = state;
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fifoOrder(queue[mid]!, t) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function position(state: MemoryState, t: Ticket): QueuePosition {
  return { position: queueIndex(state, t) + 1, waiting: state.queue.length };
}

function monotonic(state: MemoryState, now: number): number {
  return (state.clock = Math.max(state.clock, now));
}

const copyOf = (s: LiveSession | undefined) => (s ? { ...s } : null);
const setOf = (m: Map<string, Set<string>>, k: string) => m.get(k) ?? m.set(k, new Set()).get(k)!;
const mapOf = (m: Map<string, Map<string, number>>, k: string) => m.get(k) ?? m.set(k, new Map()).get(k)!;

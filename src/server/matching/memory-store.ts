import "server-only";
import type { EndReason, Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import { DEFAULT_REQUEUE, escalateCooldown, newSessionId, resetsCooldownLevel, roomNameFor, WAIT_SAMPLES, type CooldownRecord } from "./rules";
import { applyWindow, fifoOrder, normalizeInterests, pairUp, pickPartner, type PartnerPick, type Waiter } from "./select";
import type {
  EndedSession,
  EnqueueOutcome,
  ExpiryResult,
  LiveSession,
  MatchConfig,
  MatchStore,
  Preferences,
  Profile,
  QueueStats,
  SkipOutcome,
  UserState,
} from "./types";

/**
 * In-process driver (embedded default, one process). Same observable behaviour as the Redis
 * driver; every method runs synchronously inside one call, so each is atomic by construction.
 */

interface Ticket extends Waiter {
  profile: Profile;
}

export function createMemoryMatchStore(config: MatchConfig): MatchStore {
  /** Waiting tickets in FIFO order (since, seq). */
  const queue: Ticket[] = [];
  const tickets = new Map<string, Ticket>();
  const live = new Map<string, LiveSession>();
  const currentSession = new Map<string, string>();
  const lastRequest = new Map<string, { prefs: Preferences; profile: Profile }>();
  const excluded = new Map<string, Set<string>>();
  const recent = new Map<string, Map<string, number>>();
  const primed = new Set<string>();
  const skipTimes = new Map<string, number[]>();
  const cooldowns = new Map<string, CooldownRecord>();
  const presence = new Map<string, number>();
  const waits: number[] = [];
  /** The outbox: decided here, not yet confirmed as announced. */
  const pendingStarts = new Map<string, LiveSession>();
  const pendingEnds = new Map<string, EndedSession>();
  let seq = 0;
  /** Record times never run backwards (see the Redis driver's clock). */
  let clock = 0;
  const monotonic = (now: number) => (clock = Math.max(clock, now));

  const setOf = (m: Map<string, Set<string>>, k: string) => m.get(k) ?? m.set(k, new Set()).get(k)!;
  const mapOf = (m: Map<string, Map<string, number>>, k: string) => m.get(k) ?? m.set(k, new Map()).get(k)!;

  function pairBlocked(now: number) {
    return (a: string, b: string) => {
      if (excluded.get(a)?.has(b) || excluded.get(b)?.has(a)) return true;
      const at = recent.get(a)?.get(b) ?? recent.get(b)?.get(a);
      return at !== undefined && now - at < config.rematchWindowMs;
    };
  }

  function queueIndex(t: Waiter): number {
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fifoOrder(queue[mid]!, t) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function removeTicket(userId: string): boolean {
    const t = tickets.get(userId);
    if (!t) return false;
    const i = queueIndex(t);
    if (queue[i]?.userId === userId) queue.splice(i, 1);
    else queue.splice(queue.findIndex((q) => q.userId === userId), 1);
    tickets.delete(userId);
    return true;
  }

  function position(t: Ticket) {
    return { position: queueIndex(t) + 1, waiting: queue.length };
  }

  function cooldownUntil(userId: string, now: number): number | null {
    const c = cooldowns.get(userId);
    return c && c.until > now ? c.until : null;
  }

  function rememberPair(user: string, other: string, now: number) {
    const met = mapOf(recent, user);
    met.set(other, now);
    for (const [u, at] of met) if (now - at >= config.rematchWindowMs) met.delete(u); // keep it bounded
  }

  function createSession(a: Ticket, pick: PartnerPick, callNow: number): LiveSession {
    const now = monotonic(callNow);
    const b = pick.partner as Ticket;
    removeTicket(a.userId);
    removeTicket(b.userId);
    const id = newSessionId();
    const member = (t: Ticket) => ({ userId: t.userId, ...t.profile, mood: t.prefs.mood, waitedMs: now - t.since });
    const session: LiveSession = {
      id,
      roomName: roomNameFor(id),
      a: member(a),
      b: member(b),
      commonInterests: pick.common,
      score: pick.score,
      createdAt: now,
      activeAt: null,
    };
    live.set(id, session);
    pendingStarts.set(id, session);
    currentSession.set(a.userId, id);
    currentSession.set(b.userId, id);
    rememberPair(a.userId, b.userId, now);
    rememberPair(b.userId, a.userId, now);
    waits.unshift(now - a.since, now - b.since);
    waits.length = Math.min(waits.length, WAIT_SAMPLES);
    return session;
  }

  function enqueueNow(userId: string, prefs: Preferences, profile: Profile, now: number): EnqueueOutcome {
    const until = cooldownUntil(userId, now);
    if (until !== null) return { kind: "cooldown", until };
    const sid = currentSession.get(userId);
    if (sid) return { kind: "matched", session: live.get(sid)!, created: false };
    presence.set(userId, Math.max(now, presence.get(userId) ?? 0));
    const clean: Preferences = { ...prefs, interests: normalizeInterests(prefs.interests) };
    lastRequest.set(userId, { prefs: clean, profile });
    const existing = tickets.get(userId);
    const seeker: Ticket = existing
      ? { ...existing, prefs: clean, profile }
      : { userId, prefs: clean, profile, since: now, seq: ++seq };
    const candidates = applyWindow(queue, config.window);
    const pick = pickPartner(seeker, candidates, now, config, pairBlocked(now));
    if (pick) return { kind: "matched", session: createSession(seeker, pick, now), created: true };
    if (existing) {
      existing.prefs = clean;
      existing.profile = profile;
      return { kind: "waiting", ...position(existing) };
    }
    queue.splice(queueIndex(seeker), 0, seeker);
    tickets.set(userId, seeker);
    return { kind: "waiting", ...position(seeker) };
  }

  function endNow(sessionId: string, reason: EndReason, endedBy: string | null, callNow: number): EndedSession | null {
    const s = live.get(sessionId);
    if (!s) return null;
    const now = monotonic(callNow);
    live.delete(sessionId);
    for (const m of [s.a, s.b]) {
      if (currentSession.get(m.userId) === sessionId) currentSession.delete(m.userId);
      const c = cooldowns.get(m.userId);
      if (c && resetsCooldownLevel(s, now, config)) c.level = 0;
    }
    const ended = { ...s, endedAt: now, reason, endedBy };
    pendingEnds.set(sessionId, ended);
    return ended;
  }

  return {
    async enqueue(userId, prefs, profile, now) {
      return enqueueNow(userId, prefs, profile, now);
    },

    async cancel(userId) {
      return removeTicket(userId);
    },

    async sweep(now) {
      const ordered = applyWindow(queue, config.window);
      const created: LiveSession[] = [];
      for (const { seeker, pick } of pairUp(ordered, now, config, pairBlocked(now))) {
        created.push(createSession(seeker as Ticket, pick, now));
      }
      return created;
    },

    async skip(userId, now): Promise<SkipOutcome> {
      const until = cooldownUntil(userId, now);
      if (until !== null) return { kind: "cooldown", until, ended: null };
      const sid = currentSession.get(userId);
      if (!sid) return { kind: "not_in_session" };
      const ended = endNow(sid, "skip", userId, now)!;
      const times = (skipTimes.get(userId) ?? []).filter((t) => t > now - config.skipWindowMs);
      times.push(now);
      if (times.length > config.skipFree) {
        const next = escalateCooldown(cooldowns.get(userId)?.level ?? 0, config, now);
        cooldowns.set(userId, next);
        skipTimes.delete(userId);
        return { kind: "cooldown", until: next.until, ended };
      }
      skipTimes.set(userId, times);
      const last = lastRequest.get(userId) ?? DEFAULT_REQUEUE;
      const requeue = enqueueNow(userId, last.prefs, last.profile, now);
      return { kind: "skipped", ended, requeue };
    },

    async endSession(sessionId, reason, endedBy, now) {
      return endNow(sessionId, reason, endedBy, now);
    },

    async activate(sessionId, now) {
      const s = live.get(sessionId);
      if (!s) return null;
      if (s.activeAt === null) s.activeAt = now;
      return { ...s };
    },

    async getState(userId, now): Promise<UserState> {
      const cooldown = cooldownUntil(userId, now);
      const sid = currentSession.get(userId);
      if (sid) return { status: "in_session", session: { ...live.get(sid)! }, cooldownUntil: cooldown };
      const t = tickets.get(userId);
      if (t) return { status: "waiting", since: t.since, prefs: t.prefs, cooldownUntil: cooldown, ...position(t) };
      return { status: "idle", cooldownUntil: cooldown };
    },

    async getSession(sessionId) {
      const s = live.get(sessionId);
      return s ? { ...s } : null;
    },

    async listLiveSessions() {
      return [...live.values()].map((s) => ({ ...s }));
    },

    async listWaiting(limit) {
      return queue.slice(0, Math.max(0, limit)).map((t, i) => ({ userId: t.userId, position: i + 1, waiting: queue.length }));
    },

    async touch(userId, now) {
      presence.set(userId, Math.max(now, presence.get(userId) ?? 0));
    },

    async expire(now): Promise<ExpiryResult> {
      const cutoff = now - config.presenceTimeoutMs;
      const result: ExpiryResult = { droppedTickets: [], timedOut: [] };
      for (const [userId, seen] of presence) {
        if (seen > cutoff) continue;
        if (removeTicket(userId)) result.droppedTickets.push(userId);
        const sid = currentSession.get(userId);
        const ended = sid ? endNow(sid, "timeout", null, now) : null;
        if (ended) result.timedOut.push(ended);
        presence.delete(userId);
      }
      return result;
    },

    async exclude(a, b) {
      setOf(excluded, a).add(b);
      setOf(excluded, b).add(a);
    },

    async prime(userId, data) {
      if (primed.has(userId)) return false;
      primed.add(userId);
      for (const other of data.excluded) {
        setOf(excluded, userId).add(other);
        setOf(excluded, other).add(userId);
      }
      for (const r of data.recent) {
        const mine = mapOf(recent, userId);
        mine.set(r.userId, Math.max(r.at, mine.get(r.userId) ?? 0));
        const theirs = mapOf(recent, r.userId);
        theirs.set(userId, Math.max(r.at, theirs.get(userId) ?? 0));
      }
      return true;
    },

    async isPrimed(userId) {
      return primed.has(userId);
    },

    async stats(): Promise<QueueStats> {
      const byMood = Object.fromEntries(MOODS.map((m) => [m, 0])) as Record<Mood, number>;
      for (const t of queue) byMood[t.prefs.mood] += 1;
      const avgWaitMs = waits.length ? Math.round(waits.reduce((s, w) => s + w, 0) / waits.length) : 0;
      return { waiting: queue.length, byMood, liveSessions: live.size, avgWaitMs };
    },

    async unannounced(before, limit) {
      const starts = [...pendingStarts.values()].filter((x) => x.createdAt <= before).slice(0, limit);
      const ends = [...pendingEnds.values()].filter((x) => x.endedAt <= before).slice(0, limit);
      return { starts: starts.map((x) => ({ ...x })), ends: ends.map((x) => ({ ...x })) };
    },

    async markAnnounced(kind, sessionId) {
      (kind === "start" ? pendingStarts : pendingEnds).delete(sessionId);
    },

    async close() {},
  };
}

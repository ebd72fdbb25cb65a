/**
 * Figures computed from a run's history and record: matches per second, enqueue→matched
 * latency for both members, waiting times, FIFO overtakes, request rates.
 */
import type { History, Prefs, RequestEntry } from "./history";
import type { SessionRow } from "./records";
import { histogram, summarize, type Summary } from "./stats";

export interface PhaseWindow {
  name: string;
  start: number;
  end: number;
}

export interface MatchLatency {
  /** The member who got `in_session` in the HTTP answer: request sent → answer. */
  enqueuer: Summary;
  /** The member told by SSE: partner's request sent → `matched` event received. */
  waiter: Summary;
  /** Sessions made by the background sweep (relaxation), no request to time against. */
  sweepMatches: number;
}

export function matchLatency(history: History, window: PhaseWindow): MatchLatency {
  const creator = new Map<string, RequestEntry>();
  for (const r of history.of("req")) {
    if (
      (r.op === "enqueue" || r.op === "skip") &&
      r.outcome === "in_session" &&
      r.sessionId &&
      r.t0 >= window.start &&
      r.t0 < window.end
    )
      creator.set(r.sessionId, r);
  }
  const enqueuer = [...creator.values()].map((r) => r.t1 - r.t0);
  const waiter: number[] = [];
  const seen = new Set<string>();
  let sweep = 0;
  for (const e of history.of("sse")) {
    if (e.event !== "matched" || e.covered || !e.sessionId) continue;
    if (e.t < window.start || e.t >= window.end + 5_000) continue;
    const c = creator.get(e.sessionId);
    if (!c) {
      if (!seen.has(e.sessionId) && e.t < window.end) sweep++;
      seen.add(e.sessionId);
      continue;
    }
    if (c.user === e.user) continue; // the enqueuer's own copy of the event
    waiter.push(e.t - c.t0);
  }
  return { enqueuer: summarize(enqueuer), waiter: summarize(waiter), sweepMatches: sweep };
}

export function matchesPerSecond(sessions: SessionRow[], window: PhaseWindow): number {
  const n = sessions.filter((s) => s.createdAt >= window.start && s.createdAt < window.end).length;
  return Math.round((n / ((window.end - window.start) / 1000)) * 10) / 10;
}

export function requestRates(history: History, window: PhaseWindow) {
  const secs = (window.end - window.start) / 1000;
  const byOp: Record<string, { perSecond: number; errors: number; latency: Summary }> = {};
  const groups = new Map<string, RequestEntry[]>();
  for (const r of history.of("req")) {
    if (r.t1 < window.start || r.t1 >= window.end) continue;
    (groups.get(r.op) ?? groups.set(r.op, []).get(r.op)!).push(r);
  }
  let total = 0;
  for (const [op, list] of groups) {
    const ok = list.filter((r) => r.httpStatus >= 200 && r.httpStatus < 300).length;
    total += list.length;
    byOp[op] = {
      perSecond: Math.round((ok / secs) * 10) / 10,
      errors: list.length - ok,
      latency: summarize(list.map((r) => r.t1 - r.t0)),
    };
  }
  return { byOp, totalPerSecond: Math.round((total / secs) * 10) / 10 };
}

interface Ticket {
  user: string;
  prefs: Prefs;
  /** Request sent / answer received (the server accepted it in between). */
  t0: number;
  t1: number;
  /** Server time of the session that closed it, or undefined. */
  matchedAt?: number;
  sessionId?: string;
  partner?: string;
  /** Time of the cancelling request, when closed by `end`. */
  cancelledAt?: number;
}

/** Every accepted wait (enqueue/skip answered `waiting`) and how it closed, from history + record. */
export function tickets(history: History, sessions: SessionRow[]): Ticket[] {
  const sessionsOf = new Map<string, SessionRow[]>();
  for (const s of sessions) for (const u of [s.userA, s.userB]) (sessionsOf.get(u) ?? sessionsOf.set(u, []).get(u)!).push(s);
  const endsOf = new Map<string, number[]>();
  for (const r of history.of("req")) if (r.op === "end") (endsOf.get(r.user) ?? endsOf.set(r.user, []).get(r.user)!).push(r.t0);
  const out: Ticket[] = [];
  for (const r of history.of("req")) {
    if ((r.op !== "enqueue" && r.op !== "skip") || r.outcome !== "waiting") continue;
    const prefs = r.prefs;
    if (!prefs) continue;
    const t: Ticket = { user: r.user, prefs, t0: r.t0, t1: r.t1 };
    const next = (sessionsOf.get(r.user) ?? []).filter((s) => s.createdAt > r.t0).sort((a, b) => a.createdAt - b.createdAt)[0];
    const cancel = (endsOf.get(r.user) ?? []).filter((x) => x > r.t1).sort((a, b) => a - b)[0];
    if (next && (cancel === undefined || next.createdAt < cancel)) {
      t.matchedAt = next.createdAt;
      t.sessionId = next.id;
      t.partner = next.userA === r.user ? next.userB : next.userA;
    } else if (cancel !== undefined) t.cancelledAt = cancel;
    out.push(t);
  }
  return out;
}

export interface WaitReport {
  summaryMs: Summary;
  histogramMs: Record<string, number>;
  cancelled: number;
  fifoOvertakes: number;
  /** Matched waits checked for overtakes (each against every earlier waiter with the same preferences). */
  fifoChecked: number;
  overtakeExamples: string[];
}

const samePrefs = (a: Prefs, b: Prefs) =>
  a.mood === b.mood &&
  a.mode === b.mode &&
  a.interests.length === b.interests.length &&
  a.interests.every((x, i) => x === b.interests[i]);

/**
 * FIFO among equals: X (later) matched with partner P at time c while Y, who enqueued earlier
 * with exactly the same preferences, was still waiting and had never met P — an overtake.
 */
export function waitReport(history: History, sessions: SessionRow[], window: PhaseWindow): WaitReport {
  const all = tickets(history, sessions);
  const inWindow = all.filter((t) => t.t0 >= window.start && t.t0 < window.end);
  const waits = inWindow.filter((t) => t.matchedAt !== undefined).map((t) => t.matchedAt! - t.t0);
  const metBefore = new Map<string, number>();
  for (const s of sessions) {
    const k = s.userA < s.userB ? `${s.userA}|${s.userB}` : `${s.userB}|${s.userA}`;
    metBefore.set(k, Math.min(metBefore.get(k) ?? Infinity, s.createdAt));
  }
  const met = (a: string, b: string, before: number) => (metBefore.get(a < b ? `${a}|${b}` : `${b}|${a}`) ?? Infinity) < before;
  let overtakes = 0;
  let comparisons = 0;
  const examples: string[] = [];
  for (const x of inWindow) {
    if (x.matchedAt === undefined) continue;
    const c = x.matchedAt;
    comparisons++;
    for (const y of all) {
      if (y.user === x.user || y.user === x.partner || !(y.t1 < x.t0) || !samePrefs(x.prefs, y.prefs)) continue;
      const stillWaiting = (y.matchedAt === undefined || y.matchedAt > c) && (y.cancelledAt === undefined || y.cancelledAt > c);
      if (!stillWaiting || y.t1 > c) continue;
      if (met(y.user, x.partner!, c)) continue;
      overtakes++;
      if (examples.length < 5)
        examples.push(
          `${x.user} (enqueued ${x.t0.toFixed(0)}) matched ${x.sessionId} at ${c.toFixed(0)} before ${y.user} (enqueued ${y.t0.toFixed(0)}, still waiting)`,
        );
    }
  }
  return {
    summaryMs: summarize(waits),
    histogramMs: histogram(waits, [10, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 20_000]),
    cancelled: inWindow.filter((t) => t.cancelledAt !== undefined).length,
    fifoOvertakes: overtakes,
    fifoChecked: comparisons,
    overtakeExamples: examples,
  };
}

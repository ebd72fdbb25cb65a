import "server-only";
import { singleFlight } from "../kv";
import { announceEnd, announceMatch, announcePending } from "./announce";
import type { AppServices } from "../app-services";
import { dueDepartures } from "./presence";
import { settlePendingSafetyWrites } from "./safety-writes";
import { queueView } from "./views";

/**
 * Per-process background loops. Every instance runs them; the store's commits are atomic, so
 * running them concurrently is safe (the Redis store also dedupes sweeps with a short lock).
 * - every second: re-evaluate waiting users (mood relaxation) and settle due LiveKit departures;
 * - every 2 s: tell waiting users their queue position;
 * - every 5 s: drop tickets and end sessions whose users have had no presence for 60 s;
 * - every 2 s (one instance at a time): announce matches and ends nobody announced (the outbox);
 * - every 5 s (one instance at a time): write held Block and Report records that are due (safety-writes.ts).
 */
export function startBackgroundWork(deps: AppServices): () => void {
  const timers = [
    every(1_000, () => sweepOnce(deps), deps),
    every(1_000, () => settleDepartures(deps), deps),
    every(2_000, () => singleFlight(deps.kv, "queue-broadcast", 1_500, () => broadcastQueuePositions(deps)), deps),
    every(5_000, () => expireAbsent(deps), deps),
    every(2_000, () => singleFlight(deps.kv, "announce-outbox", 1_500, () => announcePending(deps)), deps),
    every(5_000, () => singleFlight(deps.kv, "safety-writes", 30_000, () => settlePendingSafetyWrites(deps)), deps),
  ];
  return () => timers.forEach(clearInterval);
}

function every(ms: number, task: () => Promise<unknown>, deps: AppServices) {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // never overlap a slow run with the next one
    running = true;
    task()
      .catch((err) => deps.log.warn({ err }, "background task failed"))
      .finally(() => (running = false));
  }, ms);
  timer.unref();
  return timer;
}

export async function sweepOnce(deps: AppServices): Promise<number> {
  const sessions = await deps.store.sweep(deps.now());
  for (const session of sessions) await announceMatch(deps, session);
  return sessions.length;
}

export async function settleDepartures(deps: AppServices): Promise<number> {
  let ended = 0;
  for (const { sessionId, identity } of await dueDepartures(deps, deps.now())) {
    const done = await deps.store.endSession(sessionId, "disconnect", identity, deps.now());
    if (done) {
      await announceEnd(deps, done, identity);
      ended++;
    }
  }
  return ended;
}

export async function expireAbsent(deps: AppServices): Promise<{ droppedTickets: number; timedOut: number }> {
  const result = await deps.store.expire(deps.now());
  for (const ended of result.timedOut) await announceEnd(deps, ended, null);
  return { droppedTickets: result.droppedTickets.length, timedOut: result.timedOut.length };
}

const lastSent = new Map<string, string>();
/** Positions beyond this are not pushed (the client still has the enqueue answer and /status). */
const BROADCAST_LIMIT = 1_000;

/** Queue events to waiting users whose position or count changed since the last one (one instance at a time). */
export async function broadcastQueuePositions(deps: AppServices): Promise<void> {
  const waiting = await deps.store.listWaiting(BROADCAST_LIMIT);
  const stats = await deps.store.stats();
  const seen = new Set<string>();
  for (const entry of waiting) {
    seen.add(entry.userId);
    const view = queueView(entry, stats.avgWaitMs);
    const key = `${view.position}/${view.waiting}`;
    if (lastSent.get(entry.userId) === key) continue;
    lastSent.set(entry.userId, key);
    await deps.bus.publish(entry.userId, "queue", view);
  }
  for (const userId of lastSent.keys()) if (!seen.has(userId)) lastSent.delete(userId);
}

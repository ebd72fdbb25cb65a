import "server-only";
import type { MatchStore, QueueStats } from "../matching/types";

/**
 * Queue statistics for wait estimates, shared for up to a second per process: an estimate does
 * not need to be fresher, and every enqueue and status call would otherwise read them again.
 */
const MAX_AGE_MS = 1_000;
const cache = new WeakMap<MatchStore, { at: number; value: Promise<QueueStats> }>();

export function queueStats(store: MatchStore, now = Date.now()): Promise<QueueStats> {
  const hit = cache.get(store);
  if (hit && now - hit.at < MAX_AGE_MS) return hit.value;
  const value = store.stats();
  cache.set(store, { at: now, value });
  value.catch(() => cache.delete(store));
  return value;
}

import "server-only";
import type { WindowEntry } from "./redis-codec";
import { applyWindow } from "./select";

/**
 * The Redis driver's per-process copy of the candidate window, so an enqueue ranks candidates in
 * Node (microseconds) instead of re-reading and re-scanning 200 tickets inside Redis per call.
 *
 * Enqueues that arrive within `maxAgeMs` of one read share it; the process's own outcomes are
 * applied to it as they come back (matched users leave, a new waiting ticket joins the tail, ids
 * the script found gone or changed leave), and an in-flight enqueue's first choice is claimed so
 * concurrent local seekers rank someone else first. Nothing here is trusted for correctness: the
 * enqueue script re-validates every candidate against the live tickets and also scans the
 * arrivals newer than `newestScore` (other instances' tickets this copy has not seen).
 */

export interface WindowRead {
  /** Queue score of the newest ticket when read ("-inf" for an empty queue). */
  newestScore: string;
  /** The window in FIFO order. */
  entries: WindowEntry[];
}

export interface WindowView {
  newestScore: string;
  /** The candidates in FIFO order, bounded by the window rule. */
  candidates: WindowEntry[];
  entry(userId: string): WindowEntry | undefined;
}

export interface WindowSnapshot {
  view(): Promise<WindowView>;
  isClaimed(userId: string): boolean;
  claim(userId: string): void;
  release(userId: string): void;
  remove(userIds: Iterable<string>): void;
  upsert(entry: WindowEntry): void;
  /** Forget the copy (another kind of queue change happened here); the next view reads anew. */
  invalidate(): void;
}

/**
 * A copy up to this many times `maxAgeMs` old still answers at once while the next read is out
 * (stale-while-revalidate): under load a read is due every few ms, and making every enqueue of
 * that moment wait for it put a whole extra round trip into ~40 % of the slowest enqueues. An
 * older copy (the process was idle) or none at all is waited for: ranking ghosts would leave the
 * seeker waiting for the sweep (the unseen-arrival scan runs only when nothing was ranked).
 */
const SERVE_STALE_FACTOR = 4;

export function createWindowSnapshot(
  read: () => Promise<WindowRead>,
  window: number,
  maxAgeMs: number,
  clock: () => number = () => performance.now(),
): WindowSnapshot {
  let current: { readAt: number; newestScore: string; entries: Map<string, WindowEntry>; ordered: WindowEntry[] | null } | null =
    null;
  let reading: Promise<void> | null = null;
  let generation = 0;
  const claims = new Map<string, number>();

  function refresh(): Promise<void> {
    if (reading) return reading;
    const startedIn = generation;
    const readAt = clock();
    reading = read()
      .then((r) => {
        // an invalidation while reading means the read may predate a local change: keep it only
        // for the callers already waiting on it
        const entries = new Map(r.entries.map((e) => [e.userId, e]));
        current = { readAt: startedIn === generation ? readAt : -Infinity, newestScore: r.newestScore, entries, ordered: null };
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  }

  return {
    async view() {
      const age = current ? clock() - current.readAt : Infinity;
      if (age > maxAgeMs) {
        const next = refresh();
        if (age > maxAgeMs * SERVE_STALE_FACTOR) await next;
        else next.catch(() => undefined); // a failed background read: the next view reads again
      }
      const snap = current!;
      snap.ordered ??= applyWindow([...snap.entries.values()], window);
      return { newestScore: snap.newestScore, candidates: snap.ordered, entry: (id) => snap.entries.get(id) };
    },
    isClaimed: (userId) => claims.has(userId),
    claim(userId) {
      claims.set(userId, (claims.get(userId) ?? 0) + 1);
    },
    release(userId) {
      const n = (claims.get(userId) ?? 1) - 1;
      if (n > 0) claims.set(userId, n);
      else claims.delete(userId);
    },
    remove(userIds) {
      if (!current) return;
      for (const id of userIds) if (current.entries.delete(id)) current.ordered = null;
    },
    upsert(entry) {
      if (!current) return;
      current.entries.set(entry.userId, entry); // an existing entry keeps its place, as in the queue
      current.ordered = null;
    },
    invalidate() {
      generation++;
      current = null;
    },
  };
}

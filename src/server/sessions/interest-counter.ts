import "server-only";
import { countInterests, popularInterests } from "../db/interests";
import type { AppServices } from "../app-services";

/**
 * Popular-interest counts are aggregated in memory and written in one upsert every few seconds.
 * Writing on every enqueue made concurrent enqueues queue up on the same Postgres rows (and on
 * the pool's connections), for a statistic that only needs to be roughly current.
 */
const FLUSH_MS = 10_000;
const pending = new Map<string, number>();
let timer: NodeJS.Timeout | null = null;

export function noteInterests(deps: Pick<AppServices, "db" | "log">, interests: string[]): void {
  for (const interest of interests) pending.set(interest, (pending.get(interest) ?? 0) + 1);
  if (!timer && pending.size > 0) {
    timer = setTimeout(() => void flushInterests(deps), FLUSH_MS);
    timer.unref();
  }
}

export async function flushInterests(deps: Pick<AppServices, "db" | "log">): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  if (pending.size === 0) return;
  const batch = [...pending];
  pending.clear();
  try {
    await countInterests(deps.db, batch);
  } catch (err) {
    deps.log.warn({ err }, "could not record interest counts");
  }
}

/** What the public list shows, and how many rows are read to fill it after filtering. */
const POPULAR_LIMIT = 20;
const POPULAR_READ = 100;
const POPULAR_CACHE_MS = 10_000;
let popularCache: { at: number; value: Promise<PopularInterest[]> } | null = null;

export interface PopularInterest {
  interest: string;
  count: number;
}

/**
 * Popular interests over 24 h, including what this instance has not written yet
 * (instructions/safety-and-operations.md "Popular interests"). A public GET: it never writes
 * (the pending counts are merged in memory), it reads Postgres at most every 10 s per instance,
 * and it shows only interests the chat filter would deliver unchanged — strangers type anything
 * into the interest box, and this list is shown to everyone.
 */
export function popularInterestsNow(deps: Pick<AppServices, "db" | "log" | "chatFilter" | "now">): Promise<PopularInterest[]> {
  const now = deps.now();
  if (popularCache && now - popularCache.at < POPULAR_CACHE_MS) return popularCache.value;
  const value = readPopular(deps);
  popularCache = { at: now, value };
  value.catch(() => {
    if (popularCache?.value === value) popularCache = null;
  });
  return value;
}

async function readPopular(deps: Pick<AppServices, "db" | "chatFilter" | "now">): Promise<PopularInterest[]> {
  const counts = new Map<string, number>();
  for (const row of await popularInterests(deps.db, POPULAR_READ, new Date(deps.now()))) counts.set(row.interest, row.count);
  for (const [interest, count] of pending) counts.set(interest, (counts.get(interest) ?? 0) + count);
  return [...counts]
    .filter(([interest]) => showable(deps.chatFilter, interest))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, POPULAR_LIMIT)
    .map(([interest, count]) => ({ interest, count }));
}

/** Shown only when the chat filter would deliver it as typed: no blocked word, link, number or address. */
function showable(filter: AppServices["chatFilter"], interest: string): boolean {
  const verdict = filter.check(interest);
  return verdict.allowed && verdict.flags.length === 0;
}

/** For tests: forget the cached list. */
export function resetPopularInterestsCache(): void {
  popularCache = null;
}

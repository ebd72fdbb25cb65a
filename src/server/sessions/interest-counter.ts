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

/** Popular interests over 24 h, including what this instance has not written yet. */
export async function popularInterestsNow(deps: Pick<AppServices, "db" | "log">) {
  await flushInterests(deps);
  return popularInterests(deps.db);
}

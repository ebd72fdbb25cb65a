/**
 * The matching routes' own capacity, free of client think time and of waiting for partners:
 * each lane owns a few signed-in users and loops enqueue (waits) → enqueue (matches) → end over
 * HTTP, with a new pair every cycle (the rematch window forbids repeats). Measured under the same
 * concurrency as the no-op route, so `enqueue req/s ÷ no-op req/s` is the framework ratio.
 */
import type { ApiClient } from "@test/support/app-process";
import { summarize, type Summary } from "./stats";

export interface CapacityResult {
  enqueuePerSecond: number;
  matchesPerSecond: number;
  endPerSecond: number;
  failed: number;
  enqueueLatency: Summary;
}

export async function matchingCapacity(lanesOfUsers: ApiClient[][], ms: number): Promise<CapacityResult> {
  const start = performance.now();
  const end = start + ms;
  let enqueues = 0;
  let matches = 0;
  let ends = 0;
  let failed = 0;
  const latencies: number[] = [];
  const timed = async (f: () => Promise<{ status: number; body: any }>) => {
    const t0 = performance.now();
    const r = await f();
    latencies.push(performance.now() - t0);
    return r;
  };
  await Promise.all(
    lanesOfUsers.map(async (users) => {
      const pairs: [ApiClient, ApiClient][] = [];
      for (let i = 0; i < users.length; i++) for (let j = i + 1; j < users.length; j++) pairs.push([users[i]!, users[j]!]);
      for (const [a, b] of pairs) {
        if (performance.now() >= end) break;
        const wait = await timed(() => a.json("/api/matching/enqueue", { mood: "random", mode: "any" }));
        const match = await timed(() => b.json("/api/matching/enqueue", { mood: "random", mode: "any" }));
        if (wait.status === 200) enqueues++;
        else failed++;
        if (match.status === 200) enqueues++;
        else failed++;
        if (match.body?.status === "in_session") matches++;
        const done = await a.json("/api/matching/end", {});
        if (done.status === 200) ends++;
        else failed++;
        await b.json("/api/matching/end", {}); // in case they did not meet
      }
    }),
  );
  const secs = (Math.min(performance.now(), end + 5_000) - start) / 1000;
  const rate = (n: number) => Math.round((n / secs) * 10) / 10;
  return {
    enqueuePerSecond: rate(enqueues),
    matchesPerSecond: rate(matches),
    endPerSecond: rate(ends),
    failed,
    enqueueLatency: summarize(latencies),
  };
}

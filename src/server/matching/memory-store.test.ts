import { describe, expect, it } from "vitest";
import { matchConfig } from "./config";
import { createMemoryMatchStore, FORGET_ABSENT_MS } from "./memory-store";

const prefs = { mood: "chill" as const, interests: [], mode: "any" as const };
const profile = { nickname: "guest", avatar: null };

describe("memory match store: bounded per-user state", () => {
  it("forgets everyone gone for an hour, and what it forgets comes back from priming", async () => {
    const config = matchConfig({ skipFree: 1 });
    const store = createMemoryMatchStore(config);
    let now = 1_000_000;
    for (let i = 0; i < 100; i += 2) {
      const [a, b] = [`u${i}`, `u${i + 1}`];
      await store.prime(a, { excluded: [], recent: [] });
      await store.enqueue(a, prefs, profile, now);
      await store.enqueue(b, prefs, profile, now);
      await store.skip(a, now, { requeue: false }); // a skip history, a last request, a recent pair
      await store.exclude(a, b);
      await store.cancel(b);
    }
    expect(store.trackedUsers()).toBe(100);

    now += config.presenceTimeoutMs + 1;
    await store.expire(now);
    expect(store.trackedUsers()).toBe(100); // absent, not yet for long
    now += FORGET_ABSENT_MS;
    await store.expire(now);
    expect(store.trackedUsers()).toBe(0);
    expect(await store.isPrimed("u0")).toBe(false); // the next enqueue reloads exclusions from Postgres
  });

  it("keeps someone who came back", async () => {
    const config = matchConfig();
    const store = createMemoryMatchStore(config);
    let now = 0;
    await store.enqueue("back", prefs, profile, now);
    await store.cancel("back");
    now += config.presenceTimeoutMs + 1;
    await store.expire(now);
    await store.touch("back", now + 1);
    now += FORGET_ABSENT_MS;
    await store.expire(now - config.presenceTimeoutMs); // still present at that cutoff
    expect(store.trackedUsers()).toBe(1);
  });
});

import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimits, DEFAULT_LIMITS, LIMIT_NAMES, type RateLimits, type WarnLogger } from "@/server/safety/rate-limits";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";

const SMALL = {
  enqueue: { points: 3, durationSec: 60 },
  chat: { points: 2, durationSec: 10, burst: { points: 1, durationSec: 60 } },
};

async function consumeTimes(limits: RateLimits, name: keyof RateLimits, key: string, times: number) {
  const results = [];
  for (let i = 0; i < times; i++) results.push(await limits[name].consume(key));
  return results;
}

function recordingLogger(): WarnLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_obj, msg) => lines.push(msg) };
}

describe("rate limits in memory (no Redis)", () => {
  it("allows up to the limit, then answers retryAfterMs > 0 without throwing", async () => {
    const limits = createRateLimits({ limits: SMALL });
    const results = await consumeTimes(limits, "enqueue", "user-1", 4);
    expect(results.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const last = results[3];
    expect(last.ok).toBe(false);
    if (!last.ok) {
      expect(last.retryAfterMs).toBeGreaterThan(0);
      expect(last.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    // other keys and other limiters are independent
    expect(await limits.enqueue.consume("user-2")).toEqual({ ok: true });
    expect(await limits.reports.consume("user-1")).toEqual({ ok: true });
  });

  it("uses the burst allowance once the main window is spent", async () => {
    const limits = createRateLimits({ limits: SMALL });
    const results = await consumeTimes(limits, "chat", "u", 4);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it("reset forgets a key", async () => {
    const limits = createRateLimits({ limits: SMALL });
    await consumeTimes(limits, "enqueue", "u", 4);
    await limits.enqueue.reset("u");
    expect(await limits.enqueue.consume("u")).toEqual({ ok: true });
  });

  it("enabled=false lets everything through", async () => {
    const limits = createRateLimits({ enabled: false, limits: SMALL });
    const results = await consumeTimes(limits, "enqueue", "u", 10);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it("exposes every named limiter with the documented defaults", () => {
    const limits = createRateLimits();
    expect(Object.keys(limits).sort()).toEqual([...LIMIT_NAMES].sort());
    expect(limits.chat.spec).toEqual(DEFAULT_LIMITS.chat);
    expect(DEFAULT_LIMITS.enqueue).toEqual({ points: 30, durationSec: 60 });
  });
});

describe("rate limits on real Redis", () => {
  const namespace = uniqueNamespace("rl");
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    a = new Redis(TEST_REDIS_URL);
    b = new Redis(TEST_REDIS_URL);
    await Promise.all([a.ping(), b.ping()]);
  });

  afterAll(async () => {
    const keys: string[] = [];
    for await (const batch of a.scanStream({ match: `${namespace}:*`, count: 100 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  it("limit reached → retryAfterMs > 0, counted in Redis under the namespace", async () => {
    const limits = createRateLimits({ redis: a, namespace, limits: SMALL });
    const results = await consumeTimes(limits, "enqueue", "user-r1", 4);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    const last = results[3];
    if (!last.ok) expect(last.retryAfterMs).toBeGreaterThan(0);
    expect(await a.get(`${namespace}:enqueue:user-r1`)).toBe("4");
  });

  it("two app instances (separate clients and limiter sets) share one count", async () => {
    const instance1 = createRateLimits({ redis: a, namespace, limits: SMALL });
    const instance2 = createRateLimits({ redis: b, namespace, limits: SMALL });
    const seen = [
      await instance1.enqueue.consume("user-shared"),
      await instance2.enqueue.consume("user-shared"),
      await instance1.enqueue.consume("user-shared"),
      await instance2.enqueue.consume("user-shared"),
    ];
    expect(seen.map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it("burst counters are shared too", async () => {
    const instance1 = createRateLimits({ redis: a, namespace, limits: SMALL });
    const instance2 = createRateLimits({ redis: b, namespace, limits: SMALL });
    const seen = [
      await instance1.chat.consume("chatter"),
      await instance2.chat.consume("chatter"),
      await instance1.chat.consume("chatter"), // from the burst reserve
      await instance2.chat.consume("chatter"),
    ];
    expect(seen.map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it("different namespaces do not share counts", async () => {
    const other = uniqueNamespace("rl");
    const limits = createRateLimits({ redis: a, namespace: other, limits: SMALL });
    try {
      await consumeTimes(createRateLimits({ redis: a, namespace, limits: SMALL }), "enqueue", "iso", 4);
      expect(await limits.enqueue.consume("iso")).toEqual({ ok: true });
    } finally {
      await limits.enqueue.reset("iso");
    }
  });

  it("Redis unreachable: never throws, falls back to per-instance limits and logs once", async () => {
    // Never connects: status stays "wait", so every call goes to the insurance limiter.
    const dead = new Redis({
      host: "127.0.0.1",
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const logger = recordingLogger();
    try {
      const limits = createRateLimits({ redis: dead, namespace, limits: SMALL, logger });
      const results = await consumeTimes(limits, "enqueue", "user-down", 4);
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
      const burst = await consumeTimes(limits, "chat", "user-down", 4);
      expect(burst.map((r) => r.ok)).toEqual([true, true, true, false]);
      expect(logger.lines.filter((l) => l.includes("Redis unavailable"))).toHaveLength(3); // enqueue, chat, chat burst
    } finally {
      dead.disconnect();
    }
  });
});

import Redis from "ioredis";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { matchConfig } from "@/server/matching/config";
import { createRedisMatchStore, deleteNamespace } from "@/server/matching/redis-store";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";
import { matchStoreContract } from "./contract";

const redis = new Redis(TEST_REDIS_URL);
afterAll(async () => {
  await redis.quit();
});

matchStoreContract("redis", async (config) => {
  const namespace = uniqueNamespace("mm");
  // the lock dedupes sweeps per second across instances; the contract calls sweep at will
  const store = createRedisMatchStore({ redis, config, namespace, sweepLock: false });
  return { store, cleanup: async () => void (await deleteNamespace(redis, namespace)) };
});

describe("redis driver specifics", () => {
  it("keeps every key in the namespace's hash slot and leaves the shared client open", async () => {
    const namespace = uniqueNamespace("mm");
    const store = createRedisMatchStore({ redis, config: matchConfig(), namespace });
    onTestFinished(() => deleteNamespace(redis, namespace).then(() => undefined));
    await store.enqueue("a", { mood: "chill", interests: ["x"], mode: "any" }, { nickname: "A", avatar: null }, 1000);
    await store.enqueue("b", { mood: "chill", interests: [], mode: "any" }, { nickname: "B", avatar: null }, 1000);
    await store.exclude("c", "d");
    await store.touch("c", 1000);
    const keys = await redis.keys(`mm:{${namespace}}:*`);
    expect(keys.length).toBeGreaterThan(5);
    const slots = new Set(await Promise.all(keys.map((k) => redis.call("CLUSTER", "KEYSLOT", k).catch(() => k.match(/\{(.+?)\}/)![1]))));
    expect(slots.size).toBe(1);
    await store.close();
    expect(await redis.ping()).toBe("PONG");
    await deleteNamespace(redis, namespace);
    expect(await redis.keys(`mm:{${namespace}}:*`)).toEqual([]);
  });

  it("lets only one instance sweep per second when the lock is on", async () => {
    const namespace = uniqueNamespace("mm");
    const config = matchConfig();
    const one = createRedisMatchStore({ redis, config, namespace });
    const two = createRedisMatchStore({ redis, config, namespace });
    onTestFinished(() => deleteNamespace(redis, namespace).then(() => undefined));
    await one.enqueue("a", { mood: "chill", interests: [], mode: "same_mood" }, { nickname: "A", avatar: null }, 0);
    await one.enqueue("b", { mood: "fire", interests: [], mode: "same_mood" }, { nickname: "B", avatar: null }, 0);
    const [r1, r2] = await Promise.all([one.sweep(20_000), two.sweep(20_000)]);
    expect(r1.length + r2.length).toBe(1);
  });
});

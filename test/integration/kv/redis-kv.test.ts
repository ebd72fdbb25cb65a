import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { luaScript, runScript } from "@/server/kv/lua";
import { createRedisKeyValueStore } from "@/server/kv/redis-kv";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";
import { describeKeyValueContract } from "./kv-contract";

const first = new Redis(TEST_REDIS_URL);
const second = new Redis(TEST_REDIS_URL);
const namespaces: string[] = [];

afterAll(async () => {
  for (const ns of namespaces) {
    const keys = await scanAll(`kv:${ns}:*`);
    if (keys.length > 0) await first.del(...keys);
  }
  await Promise.all([first.quit(), second.quit()]);
});

async function scanAll(pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await first.scan(cursor, "MATCH", pattern, "COUNT", 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

/** Each test gets its own namespace; `a` and `b` are two processes with their own connections. */
describeKeyValueContract("redis (two connections)", () => {
  const namespace = uniqueNamespace("kv");
  namespaces.push(namespace);
  return {
    a: createRedisKeyValueStore({ redis: first, namespace }),
    b: createRedisKeyValueStore({ redis: second, namespace }),
  };
});

describe("redis kv", () => {
  const namespace = uniqueNamespace("kv");
  namespaces.push(namespace);
  const kv = createRedisKeyValueStore({ redis: first, namespace });

  it("namespaces keys", async () => {
    await kv.set("webhook:EV_1", "1", 60_000);
    expect(await first.get(`kv:${namespace}:webhook:EV_1`)).toBe("1");
  });

  it("sets TTLs in milliseconds, drops them on a plain set, and applies them to whole hashes", async () => {
    await kv.set("t", "1", 30_000);
    const ttl = await first.pttl(`kv:${namespace}:t`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await kv.set("t", "2");
    expect(await first.pttl(`kv:${namespace}:t`)).toBe(-1);
    expect(await kv.setIfAbsent("l", "me", 5_000)).toBe(true);
    expect(await first.pttl(`kv:${namespace}:l`)).toBeGreaterThan(0);
    await kv.hset("h", "a", "1", 20_000);
    await kv.hset("h", "b", "2");
    const hashTtl = await first.pttl(`kv:${namespace}:h`);
    expect(hashTtl).toBeGreaterThan(0);
    expect(hashTtl).toBeLessThanOrEqual(20_000);
    expect(await kv.expire("h", 90_000)).toBe(true);
    expect(await first.pttl(`kv:${namespace}:h`)).toBeGreaterThan(20_000);
  });

  it("falls back to EVAL when the server does not know a script yet", async () => {
    // A unique source is guaranteed not to be cached, without flushing the shared script cache.
    const script = luaScript(`-- ${uniqueNamespace()}\nreturn redis.call('GET', KEYS[1])`);
    await kv.set("plain", "value");
    expect(await runScript(first, script, [`kv:${namespace}:plain`], [])).toBe("value");
    expect(await runScript(first, script, [`kv:${namespace}:plain`], [])).toBe("value"); // now via EVALSHA
  });
});

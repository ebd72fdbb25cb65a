import { describe, expect, it } from "vitest";
import { createMemoryKeyValueStore } from "./memory-kv";

/** Expiry needs a clock, so it is tested here; the shared kv contract runs in integration. */
describe("memory kv expiry", () => {
  it("expires strings, locks and hashes at their ttl", async () => {
    let now = 0;
    const kv = createMemoryKeyValueStore({ now: () => now });
    await kv.set("a", "1", 100);
    expect(await kv.setIfAbsent("lock", "me", 50)).toBe(true);
    await kv.hset("h", "f", "v", 100);
    now = 49;
    expect(await kv.setIfAbsent("lock", "you", 50)).toBe(false);
    now = 50;
    expect(await kv.setIfAbsent("lock", "you", 50)).toBe(true);
    now = 99;
    expect(await kv.get("a")).toBe("1");
    expect(await kv.hget("h", "f")).toBe("v");
    now = 100;
    expect(await kv.get("a")).toBeNull();
    expect(await kv.hgetall("h")).toEqual({});
  });

  it("keeps no ttl after a plain set and moves it with expire", async () => {
    let now = 0;
    const kv = createMemoryKeyValueStore({ now: () => now });
    await kv.set("a", "1", 10);
    await kv.set("a", "2");
    now = 1_000_000;
    expect(await kv.get("a")).toBe("2");
    expect(await kv.expire("a", 10)).toBe(true);
    now += 10;
    expect(await kv.get("a")).toBeNull();
    expect(await kv.expire("a", 10)).toBe(false);
  });
});

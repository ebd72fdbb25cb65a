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

  it("forgets expired keys nobody reads again", async () => {
    let now = 0;
    const kv = createMemoryKeyValueStore({ now: () => now });
    for (let i = 0; i < 1_000; i++) await kv.setIfAbsent(`lk:event:EV_${i}`, "applied", 1_000);
    await kv.appendToList("chat", "x", 10, 1_000);
    expect(kv.keyCount()).toBe(1_001);
    now = 120_000;
    await kv.set("other", "1");
    expect(kv.keyCount()).toBe(1);
  });

  it("expires a list as a whole and keeps its newest items", async () => {
    let now = 0;
    const kv = createMemoryKeyValueStore({ now: () => now });
    for (let i = 1; i <= 5; i++) await kv.appendToList("l", String(i), 3, 100);
    expect(await kv.readList("l")).toEqual(["3", "4", "5"]);
    now = 99;
    expect(await kv.readList("l")).toEqual(["3", "4", "5"]);
    now = 100;
    expect(await kv.readList("l")).toEqual([]);
  });
});

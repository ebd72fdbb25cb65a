import { describe, expect, it, vi } from "vitest";
import type { KeyValueStore } from "@/server/kv/kv";
import { singleFlight } from "@/server/kv/single-flight";

export interface KvInstances {
  /** Two handles on the same data (two app processes for Redis; the same store in memory). */
  a: KeyValueStore;
  b: KeyValueStore;
}

/** The contract both drivers pass. Expiry itself is driver-specific (clock vs PTTL). */
export function describeKeyValueContract(name: string, make: () => KvInstances) {
  describe(`kv contract: ${name}`, () => {
    it("gets, sets, overwrites and deletes strings", async () => {
      const { a, b } = make();
      expect(await a.get("k")).toBeNull();
      await a.set("k", "1");
      expect(await b.get("k")).toBe("1");
      await b.set("k", "2", 60_000);
      expect(await a.get("k")).toBe("2");
      expect(await a.del("k")).toBe(true);
      expect(await a.del("k")).toBe(false);
      expect(await b.get("k")).toBeNull();
    });

    it("setIfAbsent lets exactly one caller create the key", async () => {
      const { a, b } = make();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).setIfAbsent("once", `v${i}`, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await a.get("once")).toBe(`v${winner}`);
    });

    it("deleteIfEquals deletes only while the value matches", async () => {
      const { a, b } = make();
      await a.set("lock", "owner-1", 60_000);
      expect(await b.deleteIfEquals("lock", "owner-2")).toBe(false);
      expect(await a.get("lock")).toBe("owner-1");
      expect(await b.deleteIfEquals("lock", "owner-1")).toBe(true);
      expect(await a.get("lock")).toBeNull();
      expect(await a.deleteIfEquals("lock", "owner-1")).toBe(false);
    });

    it("expire reports whether the key exists", async () => {
      const { a } = make();
      expect(await a.expire("missing", 1_000)).toBe(false);
      await a.set("present", "x");
      expect(await a.expire("present", 60_000)).toBe(true);
      expect(await a.get("present")).toBe("x");
    });

    it("keeps hash fields", async () => {
      const { a, b } = make();
      expect(await a.hgetall("h")).toEqual({});
      expect(await a.hget("h", "alice")).toBeNull();
      await a.hset("h", "alice", "PA_1", 60_000);
      await b.hset("h", "bob", "PA_2");
      await b.hset("h", "alice", "PA_3");
      expect(await a.hget("h", "alice")).toBe("PA_3");
      expect(await a.hgetall("h")).toEqual({ alice: "PA_3", bob: "PA_2" });
      expect(await b.hdel("h", "alice")).toBe(true);
      expect(await b.hdel("h", "alice")).toBe(false);
      expect(await a.hgetall("h")).toEqual({ bob: "PA_2" });
      await a.hdel("h", "bob");
      expect(await a.del("h")).toBe(false); // the hash went with its last field
    });

    it("appends to a capped list that keeps its newest items, oldest first", async () => {
      const { a, b } = make();
      expect(await a.readList("transcript")).toEqual([]);
      for (let i = 1; i <= 7; i++) await (i % 2 ? a : b).appendToList("transcript", `line ${i}`, 5, 60_000);
      expect(await b.readList("transcript")).toEqual(["line 3", "line 4", "line 5", "line 6", "line 7"]);
      await expect(a.appendToList("transcript", "x", 0, 60_000)).rejects.toThrow();
      await expect(a.appendToList("transcript", "x", 5, 0)).rejects.toThrow();
      expect(await a.del("transcript")).toBe(true);
    });

    it("rejects a kind mismatch and invalid ttls", async () => {
      const { a } = make();
      await a.set("str", "x");
      await expect(a.hget("str", "f")).rejects.toThrow(/WRONGTYPE/);
      await a.hset("hash", "f", "v");
      await expect(a.get("hash")).rejects.toThrow(/WRONGTYPE/);
      await expect(a.setIfAbsent("k", "v", 0)).rejects.toThrow(/TTL/);
      await expect(a.set("k", "v", 1.5)).rejects.toThrow(/TTL/);
      await a.del("str");
      await a.del("hash");
    });

    describe("singleFlight", () => {
      it("runs fn in exactly one of many concurrent callers and releases the lock", async () => {
        const { a, b } = make();
        let running = 0;
        let maxRunning = 0;
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const calls = Array.from({ length: 20 }, (_, i) =>
          singleFlight(i % 2 ? a : b, "cleanup", 60_000, async () => {
            running += 1;
            maxRunning = Math.max(maxRunning, running);
            await gate;
            running -= 1;
            return i;
          }),
        );
        // The losers answer while the winner is still running.
        let losers = 0;
        for (const call of calls) void call.then((r) => (losers += r.ran ? 0 : 1));
        await vi.waitFor(() => expect(losers).toBe(19));
        release();
        const results = await Promise.all(calls);
        expect(results.filter((r) => r.ran)).toHaveLength(1);
        expect(maxRunning).toBe(1);
        expect(await a.get("lock:cleanup")).toBeNull();
        // Released: the next caller runs.
        expect(await singleFlight(a, "cleanup", 60_000, () => "again")).toEqual({ ran: true, value: "again" });
      });

      it("releases the lock when fn throws, and passes the error on", async () => {
        const { a } = make();
        await expect(
          singleFlight(a, "failing", 60_000, async () => {
            throw new Error("nope");
          }),
        ).rejects.toThrow("nope");
        expect(await a.get("lock:failing")).toBeNull();
      });

      it("does not release a lock it no longer owns", async () => {
        const { a, b } = make();
        const result = await singleFlight(a, "stolen", 60_000, async () => {
          // Our lock "expired" and another instance took it meanwhile.
          await b.set("lock:stolen", "someone-else", 60_000);
          return "done";
        });
        expect(result).toEqual({ ran: true, value: "done" });
        expect(await a.get("lock:stolen")).toBe("someone-else");
        await b.del("lock:stolen");
      });
    });
  });
}

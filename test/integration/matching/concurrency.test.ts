import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { matchConfig } from "@/server/matching/config";
import { checkRedisInvariants } from "@/server/matching/invariants";
import { createRedisMatchStore, deleteNamespace, keyPrefix } from "@/server/matching/redis-store";
import { decodeTicket } from "@/server/matching/redis-codec";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";
import type { ChaosLog } from "./chaos-worker";

const redis = new Redis(TEST_REDIS_URL);
afterAll(async () => {
  await redis.quit();
});

const workerPath = fileURLToPath(new URL("./chaos-worker.ts", import.meta.url));

function runWorker(args: object): Promise<ChaosLog> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", workerPath, JSON.stringify(args)], {
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as ChaosLog);
    });
  });
}

describe("Redis driver under two processes", () => {
  it("keeps every invariant under hundreds of concurrent enqueue/skip/end/cancel/sweep calls", async () => {
    const namespace = uniqueNamespace("mmc");
    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    const excludedPairs = users.slice(0, 20).map((u, i) => [u, users[20 + i]!] as const);
    const config = matchConfig({ skipFree: 4, cooldownStepsMs: [50, 100, 200], relaxMoodAfterMs: 50 });
    const store = createRedisMatchStore({ redis, config, namespace });
    for (const [a, b] of excludedPairs) await store.exclude(a, b);
    try {
      const args = { redisUrl: TEST_REDIS_URL, namespace, users, ops: 1500, lanes: 24, config };
      const logs = await Promise.all([runWorker(args), runWorker(args)]);
      const created = logs.flatMap((l) => l.created);
      const ended = logs.flatMap((l) => l.ended);
      expect(logs.flatMap((l) => l.errors)).toEqual([]);
      expect(created.length).toBeGreaterThan(50);

      expect(await checkRedisInvariants(redis, namespace)).toEqual([]);
      // no session pairs a user with themself, an excluded partner, or a pair twice (24 h rematch window)
      const excluded = new Set(excludedPairs.map(([a, b]) => [a, b].sort().join("|")));
      const seenPairs = new Map<string, string>();
      for (const s of created) {
        expect(s.a).not.toBe(s.b);
        const pair = [s.a, s.b].sort().join("|");
        expect(excluded.has(pair), `excluded pair matched: ${pair}`).toBe(false);
        expect(seenPairs.get(pair), `pair matched twice: ${pair}`).toBeUndefined();
        seenPairs.set(pair, s.id);
      }
      // every session created is reported once, ends at most once, and is either ended or still live
      expect(new Set(created.map((s) => s.id)).size).toBe(created.length);
      expect(new Set(ended).size).toBe(ended.length);
      const live = new Set(await redis.zrange(`${keyPrefix(namespace)}live`, 0, -1));
      const endedSet = new Set(ended);
      for (const s of created)
        expect(live.has(s.id) !== endedSet.has(s.id), `session ${s.id} lost or both live and ended`).toBe(true);
      // every user is in exactly one state, consistent with the store's keys
      let waiting = 0;
      let inSession = 0;
      for (const u of users) {
        const state = await store.getState(u, Date.now());
        if (state.status === "waiting") waiting++;
        if (state.status === "in_session") inSession++;
      }
      expect(waiting).toBe(await redis.zcard(`${keyPrefix(namespace)}q`));
      expect(inSession).toBe(live.size * 2);
    } finally {
      await deleteNamespace(redis, namespace);
    }
  });

  it("replaying a pair commit creates nothing new, even after the session ended", async () => {
    const namespace = uniqueNamespace("mmr");
    const config = matchConfig();
    const store = createRedisMatchStore({ redis, config, namespace, sweepLock: false });
    const p = keyPrefix(namespace);
    try {
      await store.enqueue("a", { mood: "chill", interests: ["x"], mode: "same_mood" }, { nickname: "A", avatar: null }, 1_000);
      await store.enqueue("b", { mood: "fire", interests: ["x"], mode: "same_mood" }, { nickname: "B", avatar: null }, 1_000);
      const va = decodeTicket((await redis.hget(`${p}tix`, "a"))!).version;
      const vb = decodeTicket((await redis.hget(`${p}tix`, "b"))!).version;
      // too early for the mood rule: the script refuses before any write
      expect(await store.commitPair("a", va, "b", vb, "sess1", 5_000)).toEqual({ kind: "conflict", reason: "rules" });
      const first = await store.commitPair("a", va, "b", vb, "sess1", 12_000);
      expect(first).toMatchObject({ kind: "created", session: { id: "sess1", commonInterests: ["x"] } });
      const snapshot = async () => [
        await redis.hgetall(`${p}cur`),
        await redis.zrange(`${p}live`, 0, -1),
        await redis.lrange(`${p}waits`, 0, -1),
        await redis.zcard(`${p}q`),
      ];
      const before = await snapshot();
      const replay = await store.commitPair("a", va, "b", vb, "sess1", 12_000);
      expect(replay).toEqual({ ...first, kind: "exists" });
      expect(await snapshot()).toEqual(before);
      // a different session id for the same (now consumed) tickets is refused
      expect(await store.commitPair("a", va, "b", vb, "sess2", 12_000)).toMatchObject({ kind: "conflict" });
      await store.endSession("sess1", "end", "a", 13_000);
      const afterEnd = await snapshot();
      expect(await store.commitPair("a", va, "b", vb, "sess1", 14_000)).toMatchObject({ kind: "exists" });
      expect(await snapshot()).toEqual(afterEnd);
      expect(await store.getSession("sess1")).toBeNull();
      expect(await checkRedisInvariants(redis, namespace)).toEqual([]);
    } finally {
      await deleteNamespace(redis, namespace);
    }
  });
});

import Redis from "ioredis";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { matchConfig } from "@/server/matching/config";
import { functionName, MATCH_LIBRARY_NAME, type MatchFunction } from "@/server/matching/lua/library";
import { decodeTicket, encodeRequest, sessionFields } from "@/server/matching/redis-codec";
import { functionHeader } from "@/server/matching/protocol/header";
import { createRedisMatchStore, deleteNamespace, keyPrefix } from "@/server/matching/redis-store";
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

/** A store on its own namespace, plus direct calls of its functions (to send one call twice, as a resending client would). */
function storeWithRawCalls() {
  const namespace = uniqueNamespace("mm");
  const config = matchConfig();
  const store = createRedisMatchStore({ redis, config, namespace, sweepLock: false });
  onTestFinished(() => deleteNamespace(redis, namespace).then(() => undefined));
  const prefix = keyPrefix(namespace);
  const raw = (name: MatchFunction, now: number, ...args: (string | number)[]) =>
    redis.fcall(functionName(name), 1, prefix, ...functionHeader(config, now), ...args);
  return { store, prefix, raw };
}

describe("redis driver specifics", () => {
  it("commits a sweep's pairs in one call, each seeing the ones before it", async () => {
    const { store, prefix, raw } = storeWithRawCalls();
    const moods = { a: "chill", b: "fire", c: "silly", d: "shy", e: "chill" } as const;
    for (const [i, [id, mood]] of Object.entries(moods).entries()) {
      await store.enqueue(id, { mood, interests: [], mode: "same_mood" }, { nickname: id, avatar: null }, 1000 + i);
    }
    expect(await redis.zcard(`${prefix}q`)).toBe(3); // e met a at once: b, c, d wait
    const version = async (id: string) => decodeTicket((await redis.hget(`${prefix}tix`, id))!).version;
    const [b, c, d] = [await version("b"), await version("c"), await version("d")];
    // relaxed by now; the second pair reuses b, whom the first took
    const replies = (await raw(
      "commit",
      60_000,
      "b",
      b,
      "c",
      c,
      "s1",
      "d",
      d,
      "b",
      b,
      "s2",
      "d",
      d,
      "d",
      d,
      "s3",
    )) as unknown[][];
    expect(replies.map((r) => r.slice(0, r[0] === "conflict" ? 2 : 1))).toEqual([
      ["created"],
      ["conflict", "gone"],
      ["conflict", "self"],
    ]);
    expect(sessionFields(replies[0]![1])).toMatchObject({ id: "s1", a: "b", b: "c" });
    expect(await store.getState("d", 60_000)).toMatchObject({ status: "waiting" });
  });

  it("the pair commit itself refuses low trust with a newcomer (a pair Node did not check)", async () => {
    const { store, prefix, raw } = storeWithRawCalls();
    const any = { mood: "chill" as const, interests: [], mode: "any" as const };
    await store.enqueue("low", any, { nickname: "L", avatar: null }, 1000, "low");
    await store.enqueue("new", any, { nickname: "N", avatar: null }, 1001, "newcomer");
    expect(await redis.zcard(`${prefix}q`)).toBe(2); // Node's ranking kept them apart: both wait
    const version = async (id: string) => decodeTicket((await redis.hget(`${prefix}tix`, id))!).version;
    const replies = (await raw("commit", 2000, "low", await version("low"), "new", await version("new"), "s1")) as unknown[][];
    expect(replies[0]!.slice(0, 2)).toEqual(["conflict", "rules"]);
    const flipped = (await raw("commit", 2000, "new", await version("new"), "low", await version("low"), "s2")) as unknown[][];
    expect(flipped[0]!.slice(0, 2)).toEqual(["conflict", "rules"]);
  });

  it("loads its function library when the server does not have it (restart, new version)", async () => {
    const namespace = uniqueNamespace("mm");
    const store = createRedisMatchStore({ redis, config: matchConfig(), namespace });
    onTestFinished(() => deleteNamespace(redis, namespace).then(() => undefined));
    await redis.function("DELETE", MATCH_LIBRARY_NAME).catch(() => "not loaded");
    const out = await store.enqueue("a", { mood: "chill", interests: [], mode: "any" }, { nickname: "A", avatar: null }, 1000);
    expect(out).toEqual({ kind: "waiting", position: 1, waiting: 1 });
    const libraries = (await redis.function("LIST", "LIBRARYNAME", MATCH_LIBRARY_NAME)) as unknown[];
    expect(libraries).toHaveLength(1);
  });

  it("a resent enqueue whose session has ended since never reuses that session's id", async () => {
    const { store, prefix, raw } = storeWithRawCalls();
    const chill = { mood: "chill" as const, interests: [], mode: "same_mood" as const };
    // the same call twice, as a client resends an unanswered command after reconnecting
    const enqueueA = (now: number) =>
      raw(
        "batch",
        now,
        "E",
        "a",
        encodeRequest(chill, { nickname: "A", avatar: null }),
        "SID0000000000001",
        "-inf",
        0,
      ) as Promise<unknown[][]>;
    await store.enqueue("b", chill, { nickname: "B", avatar: null }, 1000);
    const [first] = await enqueueA(1001);
    expect(first!.slice(0, 3)).toEqual(["matched", "SID0000000000001", "1"]);
    await store.endSession("SID0000000000001", "end", "b", 2000);
    await store.enqueue("c", chill, { nickname: "C", avatar: null }, 2001);
    const [again] = await enqueueA(2002);
    expect(again![0]).toBe("waiting"); // queued, not matched with c under the old id
    expect(sessionFields(await redis.get(`${prefix}s:SID0000000000001`))).toMatchObject({ a: "a", b: "b", rs: "end" });
    const swept = await store.sweep(3000);
    expect(swept.map((x) => [x.a.userId, x.b.userId].sort())).toEqual([["a", "c"]]);
    expect(swept[0]!.id).not.toBe("SID0000000000001");
  });

  it("a failed read fails the call instead of reading as nothing there (a user in a call is not idle)", async () => {
    const namespace = uniqueNamespace("mm");
    const store = createRedisMatchStore({ redis, config: matchConfig(), namespace });
    onTestFinished(() => deleteNamespace(redis, namespace).then(() => undefined));
    await redis.set(`mm:{${namespace}}:cur`, "not a hash"); // every HGET on it fails (WRONGTYPE)
    await expect(store.getState("a", 1000)).rejects.toThrow(/WRONGTYPE/);
  });

  it("a resent skip never ends the session its own re-queue made", async () => {
    const { store, raw } = storeWithRawCalls();
    const chill = { mood: "chill" as const, interests: [], mode: "same_mood" as const };
    const skipA = (now: number) => raw("skip", now, "a", "SID0000000000002") as Promise<unknown[]>;
    await store.enqueue("b", chill, { nickname: "B", avatar: null }, 1000);
    await store.enqueue("a", chill, { nickname: "A", avatar: null }, 1001); // a–b
    await store.enqueue("c", chill, { nickname: "C", avatar: null }, 1002);
    const first = await skipA(2000);
    expect(first[0]).toBe("skipped");
    expect((first[2] as unknown[]).slice(0, 2)).toEqual(["matched", "SID0000000000002"]); // a–c
    expect(await skipA(2001)).toEqual(["not_in_session"]);
    expect(await store.getSession("SID0000000000002")).toMatchObject({ a: { userId: "a" }, b: { userId: "c" } });
  });

  it("enqueues and ends asked for in one turn share one function call, each seeing the ones before", async () => {
    const namespace = uniqueNamespace("mm");
    // a client of its own whose function calls are counted
    const client = new Redis(TEST_REDIS_URL);
    let calls = 0;
    const fcall = client.fcall.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { fcall: typeof fcall }).fcall = (...args) => {
      calls++;
      return fcall(...args);
    };
    const store = createRedisMatchStore({ redis: client, config: matchConfig(), namespace });
    onTestFinished(async () => {
      await deleteNamespace(redis, namespace);
      await client.quit();
    });
    const chill = { mood: "chill" as const, interests: [], mode: "same_mood" as const };
    const [a, b, c] = await Promise.all([
      store.enqueue("a", chill, { nickname: "A", avatar: null }, 1000),
      store.enqueue("b", chill, { nickname: "B", avatar: null }, 1000),
      store.enqueue("c", chill, { nickname: "C", avatar: null }, 1000),
    ]);
    // a waits, b takes a (added earlier in the same call), c waits
    expect(a).toMatchObject({ kind: "waiting" });
    expect(b).toMatchObject({ kind: "matched", created: true });
    expect(c).toEqual({ kind: "waiting", position: 1, waiting: 1 });
    const session = b.kind === "matched" ? b.session : null;
    expect([session?.a.userId, session?.b.userId].sort()).toEqual(["a", "b"]);
    const [ended, again] = await Promise.all([
      store.endSession(session!.id, "end", "a", 2000),
      store.endSession(session!.id, "end", "b", 2000),
    ]);
    expect(ended).toMatchObject({ id: session!.id, reason: "end", endedBy: "a" });
    expect(again).toBeNull(); // ended exactly once, by the first op of the call
    // one window read, one call for the three enqueues, one for the two ends
    expect(calls).toBe(3);
  });

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
    const slots = new Set(
      await Promise.all(keys.map((k) => redis.call("CLUSTER", "KEYSLOT", k).catch(() => k.match(/\{(.+?)\}/)![1]))),
    );
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

  describe("enqueue ranks a window snapshot in Node; the script re-validates", () => {
    const chill = { mood: "chill" as const, interests: [], mode: "same_mood" as const };
    const fire = { mood: "fire" as const, interests: [], mode: "same_mood" as const };
    const profile = (nickname: string) => ({ nickname, avatar: null });
    function twoInstances() {
      const namespace = uniqueNamespace("mm");
      const config = matchConfig();
      // snapshots that never expire on their own: only what the scripts see keeps them honest
      const one = createRedisMatchStore({ redis, config, namespace, windowMaxAgeMs: 60_000 });
      const two = createRedisMatchStore({ redis, config, namespace, windowMaxAgeMs: 60_000 });
      onTestFinished(() => deleteNamespace(redis, namespace).then(() => undefined));
      return { one, two };
    }

    it("matches a ticket that arrived on another instance after this one read its window", async () => {
      const { one, two } = twoInstances();
      await two.enqueue("f", fire, profile("F"), 1000); // two reads its window now: only f
      await one.enqueue("a", chill, profile("A"), 1001);
      const out = await two.enqueue("b", chill, profile("B"), 1002);
      expect(out).toMatchObject({ kind: "matched", created: true });
      if (out.kind === "matched") expect([out.session.a.userId, out.session.b.userId].sort()).toEqual(["a", "b"]);
    });

    it("the script's scan of arrivals Node could not see keeps low trust away from newcomers", async () => {
      const { one, two } = twoInstances();
      const any = { mood: "chill" as const, interests: [], mode: "any" as const };
      await two.enqueue("f", fire, profile("F"), 1000); // two reads its window now: only f
      await one.enqueue("new", any, profile("New"), 1001, "newcomer");
      expect(await two.enqueue("low", any, profile("Low"), 1002, "low")).toMatchObject({ kind: "waiting" });
      await one.enqueue("reg", any, profile("Reg"), 1003, "regular");
      const out = await two.enqueue("low2", any, profile("Low2"), 1004, "low");
      expect(out).toMatchObject({ kind: "matched", created: true });
      if (out.kind === "matched") expect([out.session.a.userId, out.session.b.userId].sort()).toEqual(["low", "low2"]);
    });

    it("a seeker whose ranked candidates were all taken waits, and the sweep pairs them with a newer arrival", async () => {
      const { one, two } = twoInstances();
      await one.enqueue("c", chill, profile("C"), 1000); // one's copy: c
      await two.enqueue("b", chill, profile("B"), 1001); // b and c pair up
      await two.enqueue("d", chill, profile("D"), 1002); // d waits, unseen by one's copy
      // a's only ranked candidate is gone (taken): a waits, with d newer than one's copy
      expect(await one.enqueue("a", chill, profile("A"), 1003)).toMatchObject({ kind: "waiting" });
      const swept = await one.sweep(1004);
      expect(swept.map((s) => [s.a.userId, s.b.userId].sort())).toEqual([["a", "d"]]);
    });

    it("skips a ranked candidate another instance took, and never pairs anyone twice", async () => {
      const { one, two } = twoInstances();
      await one.enqueue("x", chill, profile("X"), 1000);
      await one.enqueue("y", chill, profile("Y"), 1001).then((o) => expect(o.kind).toBe("matched")); // x–y
      await one.enqueue("z", chill, profile("Z"), 1002);
      await two.enqueue("f", fire, profile("F"), 1003); // two's snapshot: z, f
      await one.enqueue("w", chill, profile("W"), 1004).then((o) => expect(o.kind).toBe("matched")); // one takes z
      const out = await two.enqueue("v", chill, profile("V"), 1005); // two still ranks z first
      expect(out).toMatchObject({ kind: "waiting", position: 2 });
      expect(two.counters.conflicts).toBe(1);
      const again = await two.enqueue("u", chill, profile("U"), 1006); // z is gone from two's copy now
      expect(again.kind).toBe("matched");
      if (again.kind === "matched") expect([again.session.a.userId, again.session.b.userId].sort()).toEqual(["u", "v"]);
      expect(two.counters.conflicts).toBe(1);
    });
  });
});

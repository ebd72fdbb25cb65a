import { Redis, type RedisOptions } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventBus, StoredEvent } from "@/server/events/bus";
import { createRedisEventBus, eventKeys } from "@/server/events/redis-bus";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";
import { describeEventBusContract } from "./bus-contract";

/** Every connection a test opens, so they are all closed and every namespace cleaned. */
const connections: Redis[] = [];
const namespaces: string[] = [];
function connect(name?: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(TEST_REDIS_URL, { connectionName: name, lazyConnect: false, ...extra });
  redis.on("error", () => {}); // killed connections report errors; the tests assert behaviour instead
  connections.push(redis);
  return redis;
}

let admin: Redis;
beforeAll(() => {
  admin = connect();
});
afterAll(async () => {
  for (const ns of namespaces) {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await admin.scan(cursor, "MATCH", `ev:{${ns}:*`, "COUNT", 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    if (keys.length > 0) await admin.del(...keys);
  }
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
});

interface Process {
  bus: EventBus;
  subscriberName: string;
  subscribers: Redis[];
  errors: unknown[];
}

/** One simulated app process: its own command connection and its own subscriber factory. */
function appProcess(namespace: string, opts: { logCapacity?: number; logTtlMs?: number } = {}): Process {
  const subscriberName = `evsub-${uniqueNamespace()}`;
  const subscribers: Redis[] = [];
  const errors: unknown[] = [];
  const bus = createRedisEventBus({
    redis: connect(),
    createSubscriber: () => {
      // A fixed reconnect delay makes a CLIENT KILL open a real gap.
      const sub = connect(subscriberName, { retryStrategy: () => 200 });
      subscribers.push(sub);
      return sub;
    },
    namespace,
    onError: (error) => errors.push(error),
    ...opts,
  });
  return { bus, subscriberName, subscribers, errors };
}

function newNamespace() {
  const ns = uniqueNamespace("ev");
  namespaces.push(ns);
  return ns;
}

async function clientsNamed(name: string) {
  const list = (await admin.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => Object.fromEntries(line.split(" ").map((kv) => kv.split("=", 2) as [string, string])));
}

async function numsub(channel: string): Promise<number> {
  const reply = (await admin.call("PUBSUB", "NUMSUB", channel)) as [string, number];
  return Number(reply[1]);
}

const chat = (n: number) => ({
  sessionId: "s1",
  id: `m${n}`,
  text: `hi ${n}`,
  sentAt: "2025-01-01T00:00:00.000Z",
  from: "me" as const,
});

describeEventBusContract("redis (two processes)", async ({ logCapacity }) => {
  const ns = newNamespace();
  const a = appProcess(ns, { logCapacity });
  const b = appProcess(ns, { logCapacity });
  return {
    publisher: a.bus,
    listener: b.bus,
    dispose: async () => {
      await Promise.all([a.bus.close(), b.bus.close()]);
    },
  };
});

describe("redis event bus", () => {
  const open: Process[] = [];
  function proc(ns: string, opts?: { logCapacity?: number; logTtlMs?: number }) {
    const p = appProcess(ns, opts);
    open.push(p);
    return p;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.bus.close()));
  });

  it("stores the log and sequence under one hash-tagged user with refreshed TTLs", async () => {
    const ns = newNamespace();
    const { bus } = proc(ns, { logTtlMs: 600_000 });
    await bus.publish("alice", "chat", chat(1));
    const keys = eventKeys(ns, "alice");
    expect(keys.seq).toBe(`ev:{${ns}:alice}:seq`);
    expect(keys.log).toBe(`ev:{${ns}:alice}:log`);
    const logTtl = await admin.pttl(keys.log);
    expect(logTtl).toBeGreaterThan(0);
    expect(logTtl).toBeLessThanOrEqual(600_000);
    expect(await admin.pttl(keys.seq)).toBeGreaterThan(0);
    await admin.pexpire(keys.log, 1_000);
    await bus.publish("alice", "chat", chat(2));
    expect(await admin.pttl(keys.log)).toBeGreaterThan(1_000);
  });

  it("uses one subscriber connection per process whatever the number of users and listeners", async () => {
    const ns = newNamespace();
    const p = proc(ns);
    expect(p.subscribers).toHaveLength(0); // lazily created
    const unsubs = [];
    for (let u = 0; u < 20; u++) for (let l = 0; l < 3; l++) unsubs.push(p.bus.subscribe(`user${u}`, () => {}));
    await Promise.all(unsubs.map((s) => s.ready));
    expect(p.subscribers).toHaveLength(1);
    const clients = await clientsNamed(p.subscriberName);
    expect(clients).toHaveLength(1);
    expect(clients[0].sub).toBe("20");
    expect(p.bus.subscriberCount()).toBe(60);
    for (const unsubscribe of unsubs) unsubscribe();
    expect(p.bus.subscriberCount()).toBe(0);
    await vi.waitFor(async () => expect((await clientsNamed(p.subscriberName))[0].sub).toBe("0"));
    expect(p.subscribers).toHaveLength(1);
  });

  it("unsubscribes a user's channel only when its last local listener leaves", async () => {
    const ns = newNamespace();
    const p = proc(ns);
    const channel = eventKeys(ns, "alice").channel;
    const first = p.bus.subscribe("alice", () => {});
    const second = p.bus.subscribe("alice", () => {});
    await first.ready;
    expect(await numsub(channel)).toBe(1);
    first();
    await second.ready;
    // A round trip on the subscriber connection would show a stray UNSUBSCRIBE; NUMSUB is global.
    const probe = p.bus.subscribe("probe", () => {});
    await probe.ready;
    expect(await numsub(channel)).toBe(1);
    second();
    await vi.waitFor(async () => expect(await numsub(channel)).toBe(0));
    // Subscribing again works (SUBSCRIBE is ordered after the UNSUBSCRIBE on the one connection).
    const again = p.bus.subscribe("alice", () => {});
    await again.ready;
    expect(await numsub(channel)).toBe(1);
    again();
    probe();
  });

  it("survives a killed subscriber connection: gap events are recovered, later ones arrive", async () => {
    const ns = newNamespace();
    const publisher = proc(ns).bus;
    const p = proc(ns);
    const alice: StoredEvent[] = [];
    const bob: StoredEvent[] = [];
    // Bob's listener sees nothing before the kill: recovery starts from the id at subscribe time.
    await publisher.publish("bob", "chat", chat(0));
    const subs = [p.bus.subscribe("alice", (e) => alice.push(e)), p.bus.subscribe("bob", (e) => bob.push(e))];
    await Promise.all(subs.map((s) => s.ready));
    await publisher.publish("alice", "chat", chat(1));
    await vi.waitFor(() => expect(alice).toHaveLength(1));

    const [sub] = p.subscribers;
    const closed = new Promise((resolve) => sub.once("close", resolve));
    const [info] = await clientsNamed(p.subscriberName);
    await admin.client("KILL", "ID", info.id);
    await closed;
    // Published while the subscriber is down: pub/sub drops these.
    await publisher.publish("alice", "chat", chat(2));
    await publisher.publish("alice", "partner_left", { sessionId: "s1", reason: "end" });
    await publisher.publish("bob", "chat", chat(3));
    expect((await publisher.replay("alice", 1)).map((e) => e.id)).toEqual([2, 3]);

    const ready = new Promise((resolve) => sub.once("ready", resolve));
    await ready;
    await vi.waitFor(() => expect(alice.map((e) => e.id)).toEqual([1, 2, 3]));
    await vi.waitFor(() => expect(bob.map((e) => e.id)).toEqual([2]));
    // Still one connection, and new events flow live after the reconnect.
    await publisher.publish("alice", "chat", chat(4));
    await vi.waitFor(() => expect(alice.map((e) => e.id)).toEqual([1, 2, 3, 4]));
    expect(bob.map((e) => e.id)).toEqual([2]);
    expect(p.subscribers).toHaveLength(1);
    expect(await clientsNamed(p.subscriberName)).toHaveLength(1);
    expect(alice[1]).toEqual({ id: 2, name: "chat", data: chat(2) });
    for (const unsubscribe of subs) unsubscribe();
  });

  it("releases its subscriber connection on close", async () => {
    const ns = newNamespace();
    const p = appProcess(ns);
    await p.bus.subscribe("alice", () => {}).ready;
    expect(await clientsNamed(p.subscriberName)).toHaveLength(1);
    await p.bus.close();
    await vi.waitFor(async () => expect(await clientsNamed(p.subscriberName)).toHaveLength(0));
    expect(() => p.bus.subscribe("alice", () => {})).toThrow(/closed/);
  });
});

import Redis from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import { createServer, type Socket } from "node:net";
import type { Database } from "@/server/db";
import { openPostgres } from "@/server/db/client";
import { findSessionRecord } from "@/server/db/sessions";
import { createLivekitRooms } from "@/server/livekit/rooms";
import { matchConfig } from "@/server/matching/config";
import { createRedisMatchStore } from "@/server/matching/redis-store";
import { ANNOUNCE_GRACE_MS, announcePending } from "@/server/sessions/announce";
import { COMMAND_OPTIONS, failUnansweredOnClose } from "@/server/redis";
import { apiRequest, createHarness, LK, type Harness, type TestUser } from "@test/support/harness";
import { TEST_REDIS_URL } from "@test/support/services";

/**
 * Issue 14 item 4 on the real services (instructions/safety-and-operations.md "Every dependency
 * failure is a 503"): Postgres down, Postgres not answering, Redis dropped mid-command → 503
 * UNAVAILABLE with the error shape, within a bounded time.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const enqueue = (user: TestUser) =>
  enqueueRoute.POST(apiRequest(user, "/api/matching/enqueue", { method: "POST", body: { mood: "chill" } }));

async function timed(run: () => Promise<Response>) {
  const started = performance.now();
  const res = await run();
  return { res, ms: performance.now() - started, body: await res.json() };
}

function expectUnavailable({ res, body }: { res: Response; body: { error: Record<string, unknown> } }) {
  expect(res.status, JSON.stringify(body)).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(body.error).toMatchObject({ code: "UNAVAILABLE", details: { retryAfterMs: 5_000 }, requestId: expect.any(String) });
}

/** Swaps one of the services for the test; the harness's own comes back afterwards. */
function swap<K extends keyof Harness["deps"]>(key: K, value: Harness["deps"][K]) {
  const original = h.deps[key];
  h.deps[key] = value;
  onTestFinished(() => void (h.deps[key] = original));
}

describe("every dependency failure is a 503 UNAVAILABLE in bounded time", () => {
  it("Postgres down (nothing listens on its port): 503, not 500", async () => {
    const user = await h.newUser("Down");
    const closed = await openPostgres("postgres://postgres@127.0.0.1:9/none", { max: 1 });
    onTestFinished(() => closed.close());
    swap("db", closed.db as Database);
    const out = await timed(() => enqueue(user));
    expectUnavailable(out);
    expect(out.ms).toBeLessThan(3_000);
  });

  it("Postgres that stops answering (a table lock held elsewhere): 503 within the query timeout, never a hang", async () => {
    const user = await h.newUser("Slow");
    const bounded = await openPostgres(h.db.url, { max: 2, queryTimeoutMs: 1_000 });
    onTestFinished(() => bounded.close());
    const locker = new pg.Client({ connectionString: h.db.url });
    await locker.connect();
    onTestFinished(async () => {
      await locker.query("rollback").catch(() => {});
      await locker.end();
    });
    await locker.query("begin");
    await locker.query("lock table users in access exclusive mode");
    swap("db", bounded.db as Database);
    const out = await timed(() => enqueue(user));
    expectUnavailable(out);
    expect(out.ms).toBeLessThan(3_000);
  });

  it("Redis connection dropped while a command is on the wire: 503 at once, not 500", async () => {
    const user = await h.newUser("Dropped");
    const client = new Redis(TEST_REDIS_URL, { ...COMMAND_OPTIONS, retryStrategy: () => 50 });
    client.on("error", () => {});
    failUnansweredOnClose(client);
    onTestFinished(() => client.disconnect());
    await client.ping();
    let armed = true;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: Parameters<Redis["sendCommand"]>[0], stream?: Parameters<Redis["sendCommand"]>[1]) => {
      const result = send(command, stream);
      if (armed && command.name === "fcall") {
        armed = false;
        client.stream.destroy(); // the function call is written; its answer never comes
      }
      return result;
    }) as Redis["sendCommand"];
    swap("store", createRedisMatchStore({ redis: client, config: matchConfig(), namespace: h.namespace, sweepLock: false }));
    const out = await timed(() => enqueue(user));
    expectUnavailable(out);
    expect(out.ms).toBeLessThan(COMMAND_OPTIONS.commandTimeout!);
  });
});

/** A TCP server that accepts connections and never answers: a LiveKit that hangs. */
async function blackHole() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("LiveKit off the request path", () => {
  it("Stop answers at once while LiveKit hangs: the room is deleted in the background, the end is recorded", async () => {
    const a = await h.newUser("Ann");
    const b = await h.newUser("Ben");
    await enqueue(a);
    const matched = await (await enqueue(b)).json();
    expect(matched.status).toBe("in_session");
    swap("rooms", createLivekitRooms({ apiUrl: await blackHole(), ...LK, requestTimeoutSeconds: 10 }));
    const started = performance.now();
    const res = await endRoute.POST(apiRequest(a, "/api/matching/end", { method: "POST", body: {} }));
    expect(await res.json()).toEqual({ status: "idle" });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await findSessionRecord(h.deps.db, matched.session.id)).toMatchObject({ endReason: "end", endedBy: a.id });
  });

  it("LiveKit down (its port closed): a match still answers, without a room; once it is back, rooms are created again", async () => {
    const [a, b, c, d] = await Promise.all(["Cy", "Di", "Ed", "Flo"].map((n) => h.newUser(n)));
    await h.livekit.setFault({ mode: "down" });
    onTestFinished(() => h.livekit.setFault({ mode: "none" }));
    await enqueue(a);
    const during = await timed(() => enqueue(b));
    expect(during.res.status, JSON.stringify(during.body)).toBe(200);
    expect(during.body).toMatchObject({ status: "in_session", livekit: { token: expect.any(String) } });
    expect(during.ms).toBeLessThan(2_000);
    const roomOf = (id: string) => [...h.livekit.rooms.keys()].some((name) => name.endsWith(`_${id}`));
    expect(roomOf(during.body.session.id)).toBe(false);
    const stop = await endRoute.POST(apiRequest(a, "/api/matching/end", { method: "POST", body: {} }));
    expect(stop.status).toBe(200);
    expect(await findSessionRecord(h.deps.db, during.body.session.id)).toMatchObject({ endReason: "end" });

    await h.livekit.setFault({ mode: "none" });
    await enqueue(c);
    const after = await (await enqueue(d)).json();
    expect(after.status).toBe("in_session");
    expect(roomOf(after.session.id)).toBe(true);
  });
});

describe("Postgres down at the end of a call (bench:faults postgres-down)", () => {
  it("the partner is told at once, and the outbox records the end once Postgres is back", async () => {
    const a = await h.newUser("Ada");
    const b = await h.newUser("Bo");
    await enqueue(a);
    const matched = await (await enqueue(b)).json();
    expect(matched.status).toBe("in_session");
    const id = matched.session.id as string;
    const healthy = h.deps.db;
    const closed = await openPostgres("postgres://postgres@127.0.0.1:9/none", { max: 1 });
    onTestFinished(() => closed.close());
    swap("db", closed.db as Database);

    // The store decided the end: Stop answers, both are told, though nothing could be recorded.
    const res = await endRoute.POST(apiRequest(a, "/api/matching/end", { method: "POST", body: {} }));
    expect(res.status).toBe(200);
    const told = async () =>
      (await h.deps.bus.replay(b.id, 0)).filter((e) => e.name === "partner_left" && e.data.sessionId === id).length;
    expect(await told()).toBe(1);
    expect(await findSessionRecord(healthy, id)).toMatchObject({ endedAt: null });

    // Still down: the reconciler gives up for this round instead of failing or waiting on each end.
    h.clock.advance(ANNOUNCE_GRACE_MS + 1);
    await expect(announcePending(h.deps)).resolves.toMatchObject({ ends: 1 });
    expect((await h.deps.store.unannounced(h.clock.now, 10)).ends.map((e) => e.id)).toEqual([id]);

    // Back: the next round writes the record; nobody is told twice.
    h.deps.db = healthy;
    await announcePending(h.deps);
    expect(await findSessionRecord(healthy, id)).toMatchObject({ endReason: "end", endedBy: a.id, endedAt: expect.any(Date) });
    expect((await h.deps.store.unannounced(h.clock.now, 10)).ends).toEqual([]);
    expect(await told()).toBe(1);
  });
});

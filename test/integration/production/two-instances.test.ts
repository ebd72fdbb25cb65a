import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { SseReader } from "@test/support/sse-reader";
import { ApiClient, startApp, type AppProcess } from "@test/support/app-process";
import { startLivekitDouble, type LivekitDouble } from "@test/support/livekit-double";
import { createTestDatabase, type TestDatabase } from "@test/support/postgres";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";
import { participantIdentity } from "@/server/livekit/participant-identity";

/**
 * The "done when": two scripted users on two different production app processes are
 * matched, get tokens for the same room, chat, and a skip on one instance tells the other user
 * `partner_left` on the other instance — over real HTTP and SSE, one Redis, one Postgres.
 */
const KEY = "prod-test-key";
const SECRET = "prod-test-secret-0123456789abcdef0123456789";

let db: TestDatabase;
let livekit: LivekitDouble;
let apps: AppProcess[] = [];
const namespace = uniqueNamespace("prod");
const redis = new Redis(TEST_REDIS_URL);

beforeAll(async () => {
  db = await createTestDatabase("prod");
  livekit = await startLivekitDouble({ apiKey: KEY, apiSecret: SECRET });
  const common = {
    AUTH_SECRET: "prod-test-auth-secret-0123456789abcdef0123",
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_NAMESPACE: namespace,
    LIVEKIT_URL: livekit.wsUrl,
    LIVEKIT_API_URL: livekit.url,
    LIVEKIT_API_KEY: KEY,
    LIVEKIT_API_SECRET: SECRET,
    SIGNIN_LIMIT: "1000",
    // The integration project's ADMIN_TOKEN is short; production refuses one under 32 characters.
    ADMIN_TOKEN: "prod-test-admin-token-0123456789abcdef",
    DATA_DIR: `/tmp/${namespace}`,
  };
  const ports = [3211 + Math.floor(Math.random() * 200), 3611 + Math.floor(Math.random() * 200)];
  apps = await Promise.all(ports.map((port) => startApp(port, { ...common, APP_URL: `http://127.0.0.1:${port}` })));
}, 120_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await livekit?.close();
  await db?.drop();
  const keys = await redis.keys(`*${namespace}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

async function stream(client: ApiClient) {
  const ac = new AbortController();
  const res = await client.get("/api/matching/events", {}, ac.signal);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  expect(res.headers.get("x-accel-buffering")).toBe("no");
  return { reader: new SseReader(res), close: () => ac.abort() };
}

async function next(reader: SseReader, name: string) {
  for (;;) {
    const [e] = await reader.events(1);
    if (e!.event === name) return e!.data as any;
  }
}

describe("two production instances on one Redis and Postgres", () => {
  it("match, same room, chat both ways, skip tells the partner on the other instance", async () => {
    const [one, two] = apps as [AppProcess, AppProcess];
    const alice = await new ApiClient(one.url).signIn("Alice");
    const bob = await new ApiClient(two.url).signIn("Bob");
    expect(alice.userId).not.toBe(bob.userId);

    const sa = await stream(alice);
    const sb = await stream(bob);
    expect((await sa.reader.events(1))[0]).toMatchObject({ event: "state", data: { status: "idle" } });
    expect((await sb.reader.events(1))[0]).toMatchObject({ event: "state", data: { status: "idle" } });

    const waiting = await alice.json("/api/matching/enqueue", { mood: "chill", interests: ["Jazz", "chess"] });
    expect(waiting.body).toMatchObject({ status: "waiting", position: 1 });
    const matched = await bob.json("/api/matching/enqueue", { mood: "chill", interests: ["jazz"] });
    expect(matched.status).toBe(200);
    expect(matched.body.status).toBe("in_session");

    const aliceMatched = await next(sa.reader, "matched");
    const bobMatched = await next(sb.reader, "matched");
    expect(aliceMatched.session.id).toBe(matched.body.session.id);
    expect(bobMatched.session.roomName).toBe(aliceMatched.session.roomName);
    expect(aliceMatched.session.partner).toMatchObject({ nickname: "Bob", commonInterests: ["jazz"] });
    expect(bobMatched.session.partner.nickname).toBe("Alice");
    const room = aliceMatched.session.roomName as string;
    for (const [m, id] of [
      [aliceMatched, alice.userId],
      [bobMatched, bob.userId],
    ] as const) {
      const claims = decodeJwt(m.livekit.token) as { sub: string; video: { room: string; roomJoin: boolean } };
      expect(claims.sub).toBe(participantIdentity(SECRET, aliceMatched.session.id, id)); // a pseudonym, not the user id
      expect(claims.video).toMatchObject({ room, roomJoin: true });
      expect(m.livekit.url).toBe(livekit.wsUrl);
    }
    expect(livekit.rooms.has(room)).toBe(true);

    const sessionId = aliceMatched.session.id as string;
    expect((await bob.json("/api/chat/messages", { sessionId, text: "hi from instance two" })).status).toBe(200);
    expect(await next(sa.reader, "chat")).toMatchObject({ text: "hi from instance two", from: "partner" });
    await alice.json("/api/chat/typing", { sessionId });
    expect(await next(sb.reader, "typing")).toEqual({ sessionId });
    await alice.json("/api/chat/messages", { sessionId, text: "hello back" });
    expect(await next(sb.reader, "chat")).toMatchObject({ text: "hello back", from: "partner" });

    // The same user through the other instance sees the same state (shared store).
    expect((await alice.via(two.url).json("/api/matching/status")).body).toMatchObject({
      status: "in_session",
      session: { id: sessionId },
    });

    const skipped = await alice.json("/api/matching/skip", {});
    expect(skipped.status).toBe(200);
    expect(skipped.body.status).toBe("waiting");
    expect(await next(sb.reader, "partner_left")).toEqual({ sessionId, reason: "skip" });
    expect(await next(sa.reader, "session_ended")).toEqual({ sessionId, reason: "skip" });
    await expect.poll(() => livekit.rooms.has(room)).toBe(false); // deleted off the request path

    // Nothing is left behind: the record says who ended it and why.
    const row = await db.handle.db.execute(`select end_reason, ended_by from match_sessions where id = '${sessionId}'`);
    expect((row as unknown as { rows: unknown[] }).rows[0]).toEqual({ end_reason: "skip", ended_by: alice.userId });

    await alice.json("/api/matching/end", {});
    sa.close();
    sb.close();
  });

  it("answers health, 401 without a session, and refuses a cross-site POST", async () => {
    const [one] = apps as [AppProcess];
    const health = await fetch(`${one.url}/api/health?ready=1`);
    expect(health.status).toBe(200);
    expect((await health.json()).checks).toMatchObject({ database: { ok: true }, store: { ok: true } });
    const anon = await fetch(`${one.url}/api/matching/status`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get("x-request-id")).toBeTruthy();
    expect(anon.headers.get("content-security-policy")).toContain(livekit.wsUrl);
    const user = await new ApiClient(one.url).signIn("Carol");
    const cross = await fetch(`${one.url}/api/matching/enqueue`, {
      method: "POST",
      headers: { cookie: user.cookie, "content-type": "application/json", origin: "https://evil.example" },
      body: "{}",
    });
    expect(cross.status).toBe(403);
  });
});

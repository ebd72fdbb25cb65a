import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Redis from "ioredis";
import { startApp, type AppProcess } from "@test/support/app-process";
import { createTestDatabase, type TestDatabase } from "@test/support/postgres";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";

/**
 * The guest sign-in limit on a production build, as an abuser would try it: forged
 * `x-forwarded-for` prefixes and longer paths to the same next-auth callback
 * (instructions/safety-and-operations.md "Client address", "Guest sign-in limit").
 * The app sits behind one (simulated) proxy that appends the real client address.
 */
const LIMIT = 20;
let db: TestDatabase;
let app: AppProcess;
const namespace = uniqueNamespace("signin");
const redis = new Redis(TEST_REDIS_URL);

beforeAll(async () => {
  db = await createTestDatabase("signin");
  const port = 4211 + Math.floor(Math.random() * 300);
  app = await startApp(port, {
    APP_URL: `http://127.0.0.1:${port}`,
    AUTH_SECRET: "signin-test-auth-secret-0123456789abcdef0123",
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_NAMESPACE: namespace,
    LIVEKIT_URL: "ws://127.0.0.1:9",
    LIVEKIT_API_KEY: "signin-test-key",
    LIVEKIT_API_SECRET: "signin-test-secret-0123456789abcdef0123456789",
    ADMIN_TOKEN: "signin-test-admin-token-0123456789abcdef",
    CRON_SECRET: "signin-test-cron-secret",
    SIGNIN_LIMIT: String(LIMIT),
    TRUSTED_PROXY_HOPS: "1",
    DATA_DIR: `/tmp/${namespace}`,
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  const keys = await redis.keys(`*${namespace}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

/** A CSRF token and its cookie, as a browser has them before signing in. */
async function csrf(forwardedFor: string) {
  const res = await fetch(`${app.url}/api/auth/csrf`, { headers: { "x-forwarded-for": forwardedFor } });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { csrfToken, cookie };
}

async function signIn(path: string, forwardedFor: string, token: { csrfToken: string; cookie: string }) {
  const res = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: token.cookie, "x-forwarded-for": forwardedFor },
    body: new URLSearchParams({ csrfToken: token.csrfToken, nickname: "Sybil", json: "true" }),
    redirect: "manual",
  });
  const session = res.headers.getSetCookie().some((c) => c.includes("session-token="));
  const body = await res.text();
  let parsed: any = null;
  try {
    parsed = body ? JSON.parse(body) : null;
  } catch {
    parsed = { text: body.slice(0, 200) };
  }
  return { status: res.status, session, retryAfter: res.headers.get("retry-after"), body: parsed };
}

async function expectLimited(result: Awaited<ReturnType<typeof signIn>>) {
  expect(result.status).toBe(429);
  expect(result.session).toBe(false);
  expect(Number(result.retryAfter)).toBeGreaterThan(0);
  expect(result.body.error).toMatchObject({ code: "RATE_LIMITED", message: expect.any(String), requestId: expect.any(String) });
}

describe("guest sign-in limit", () => {
  it("40 sign-ins with forged x-forwarded-for prefixes share the real client's bucket", async () => {
    const real = "203.0.113.7";
    const token = await csrf(real);
    const results = [];
    for (let i = 0; i < 2 * LIMIT; i++) {
      // The client writes its own x-forwarded-for; the trusted proxy appends what it saw.
      results.push(await signIn("/api/auth/callback/guest", `10.${i}.0.1, ${real}`, token));
    }
    expect(results.slice(0, LIMIT).every((r) => r.status === 200 && r.session)).toBe(true);
    for (const r of results.slice(LIMIT)) await expectLimited(r);
  });

  it("longer paths to the same callback are counted and limited too", async () => {
    const real = "203.0.113.8";
    const token = await csrf(real);
    // Paths next-auth routes to the guest callback, and encodings that may or may not reach it.
    const variants = [
      "/api/auth/callback/guest/anything",
      "/api/auth/callback/guest/a/b",
      "/api/auth/callback/guest?x=1",
      "/api/auth/callback/guest",
    ];
    const maybe = [
      "/api/auth/callback/gu%65st",
      "/api/auth/callback/guest;x",
      "/api/auth/callback/GUEST",
      "/api/auth/callback/guest%2Fx",
    ];
    let sessions = 0;
    for (let i = 0; i < LIMIT; i++) {
      const path = variants[i % variants.length]!;
      const r = await signIn(path, real, token);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.session).toBe(true);
      sessions++;
    }
    expect(sessions).toBe(LIMIT);
    for (const path of variants) await expectLimited(await signIn(path, `198.51.100.1, ${real}`, token));
    // Whatever an encoding does, once the budget is spent none of them mints a session.
    for (const path of maybe) expect((await signIn(path, real, token)).session, path).toBe(false);
  });

  it("the auth route has the body limit and the error shape of every other route", async () => {
    const token = await csrf("203.0.113.10");
    const res = await fetch(`${app.url}/api/auth/callback/guest`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: token.cookie, "x-forwarded-for": "203.0.113.10" },
      body: new URLSearchParams({ csrfToken: token.csrfToken, nickname: "x".repeat(17 * 1024), json: "true" }),
      redirect: "manual",
    });
    expect(res.status).toBe(413);
    expect(res.headers.getSetCookie().some((c) => c.includes("session-token="))).toBe(false);
    expect((await res.json()).error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", requestId: expect.any(String) });
  });

  it("another client is not affected", async () => {
    const token = await csrf("203.0.113.9");
    const r = await signIn("/api/auth/callback/guest", "203.0.113.9", token);
    expect(r.status).toBe(200);
    expect(r.session).toBe(true);
  });
});

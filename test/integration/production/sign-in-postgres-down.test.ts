import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, startNextServer, type AppProcess } from "@test/support/app-process";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";

/**
 * Guest sign-in while Postgres is down, on a production build (bench:faults postgres-down found
 * it): next-auth answers whatever its `authorize` throws with 401 and the error's text in a
 * redirect URL — a failed query's SQL and the nickname. It must be the app's 503 UNAVAILABLE.
 */
let app: AppProcess;
const namespace = uniqueNamespace("pgdown");

beforeAll(async () => {
  assertBuilt();
  const port = 4611 + Math.floor(Math.random() * 300);
  app = await startNextServer({
    cwd: process.cwd(),
    port,
    // Liveness only: readiness asks the database, which is the point of this test.
    readyPath: "/api/health",
    label: `app on ${port}`,
    env: {
      LOG_LEVEL: "silent",
      APP_URL: `http://127.0.0.1:${port}`,
      AUTH_SECRET: "pgdown-test-auth-secret-0123456789abcdef0123",
      // Nothing listens there: connection refused, as when the server is stopped.
      DATABASE_URL: "postgres://postgres@127.0.0.1:9/moodmatch",
      REDIS_URL: TEST_REDIS_URL,
      REDIS_NAMESPACE: namespace,
      LIVEKIT_URL: "ws://127.0.0.1:9",
      LIVEKIT_API_KEY: "pgdown-test-key",
      LIVEKIT_API_SECRET: "pgdown-test-secret-0123456789abcdef0123456789",
      CRON_SECRET: "pgdown-test-cron-secret",
      // The integration project's ADMIN_TOKEN is short; production refuses one under 32 characters.
      ADMIN_TOKEN: "pgdown-test-admin-token-0123456789abcdef",
      DATA_DIR: `/tmp/${namespace}`,
    },
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("guest sign-in while Postgres is down", () => {
  it("answers 503 UNAVAILABLE with the error shape, no session cookie, no SQL", async () => {
    const csrf = await fetch(`${app.url}/api/auth/csrf`);
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const started = performance.now();
    const res = await fetch(`${app.url}/api/auth/callback/guest`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, nickname: "Nobody", json: "true" }),
      redirect: "manual",
    });
    const text = await res.text();
    expect(res.status, text).toBe(503);
    expect(JSON.parse(text).error).toMatchObject({ code: "UNAVAILABLE", requestId: expect.any(String) });
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
    expect(text).not.toMatch(/insert|users|Nobody/i);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

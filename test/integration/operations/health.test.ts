import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as healthRoute from "@/app/api/health/route";
import { openPostgres, type DatabaseHandle } from "@/server/db/client";
import { createHarness, installServices, type Harness } from "@test/support/harness";
import { createTestDatabase } from "@test/support/postgres";
import { TEST_DATABASE_URL } from "@test/support/services";

/**
 * `/api/health` is public: when a dependency is down it says which one, never the error's text
 * (hosts, ports, SQL, driver versions) — instructions/safety-and-operations.md "Health answers".
 */
let h: Harness;
let unreachable: DatabaseHandle;

beforeAll(async () => {
  h = await createHarness();
  // A real Postgres client pointed at a port nothing listens on: the driver's own error.
  unreachable = await openPostgres("postgres://postgres@127.0.0.1:1/nowhere");
});
afterAll(async () => {
  await unreachable?.close().catch(() => {});
  await h?.close();
});

const ready = () => healthRoute.GET(new Request("http://localhost:3000/api/health?ready=1"));

describe("/api/health", () => {
  it("answers ok with per-dependency status when everything is up", async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { database: { ok: true }, store: { ok: true } } });
  });

  it("is not ready on a database nobody migrated: it answers, but every sign-in would fail", async () => {
    const bare = await createTestDatabase("health_bare", TEST_DATABASE_URL, { migrate: false });
    installServices({ ...h.deps, db: bare.handle.db });
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "degraded", checks: { database: { ok: false }, store: { ok: true } } });
    } finally {
      installServices(h.deps);
      await bare.drop();
    }
  });

  it("names the failing dependency with a generic status, and no internal error text", async () => {
    const driverError = await unreachable.db.execute("select 1").then(
      () => null,
      (e: Error) => e,
    );
    expect(driverError).toBeInstanceOf(Error);
    installServices({ ...h.deps, db: unreachable.db });
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      const text = await res.text();
      const body = JSON.parse(text);
      expect(body).toMatchObject({
        status: "degraded",
        checks: { database: { ok: false, ms: expect.any(Number) }, store: { ok: true } },
      });
      expect(Object.keys(body.checks.database).sort()).toEqual(["ms", "ok"]);
      for (const leak of ["ECONNREFUSED", "127.0.0.1", "select", "nowhere", driverError!.message])
        expect(text).not.toContain(leak);
    } finally {
      installServices(h.deps);
    }
  });
});

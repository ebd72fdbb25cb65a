import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as skipRoute from "@/app/api/matching/skip/route";
import * as statusRoute from "@/app/api/matching/status/route";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

/**
 * Issue 14 item 3 through the real routes (instructions/safety-and-operations.md "Stop then Start
 * counts like Next"): Stop within the first minute is a skip for the cooldown; skip and end during
 * maintenance queue nobody.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    config: { skipFree: 2, skipWindowMs: 600_000, cooldownStepsMs: [60_000, 300_000, 900_000], cooldownResetAfterMs: 60_000 },
  });
});
afterAll(async () => {
  await h?.close();
});

const post = (user: TestUser, path: string) => apiRequest(user, path, { method: "POST", body: {} });
const enqueue = (user: TestUser) =>
  enqueueRoute.POST(apiRequest(user, "/api/matching/enqueue", { method: "POST", body: { mood: "random", mode: "any" } }));
const status = async (user: TestUser) => (await statusRoute.GET(apiRequest(user, "/api/matching/status"))).json();

async function meet(user: TestUser) {
  expect((await (await enqueue(user)).json()).status).toBe("waiting");
  const partner = await h.newUser("Partner");
  const res = await enqueue(partner);
  expect((await res.json()).status).toBe("in_session");
  return partner;
}

describe("Stop then Start counts like Next", () => {
  it("three quick Stops cross skipFree = 2: the next Start answers 429 COOLDOWN with the error shape and Retry-After", async () => {
    const user = await h.newUser("Stopper");
    for (let i = 0; i < 3; i++) {
      const partner = await meet(user);
      h.clock.advance(5_000);
      const res = await endRoute.POST(post(user, "/api/matching/end"));
      expect(res.status).toBe(200);
      expect(await status(partner)).toMatchObject({ status: "idle" });
      if (i < 2) expect((await status(user)).cooldownUntil).toBeUndefined();
    }
    const res = await enqueue(user);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "COOLDOWN", details: { retryAfterMs: 60_000 } });
    expect(typeof body.error.requestId).toBe("string");
    expect(await status(user)).toMatchObject({ status: "idle", cooldownUntil: expect.any(String) });
  });

  it("a Stop after a real conversation (≥ 60 s) never counts", async () => {
    const user = await h.newUser("Talker");
    for (let i = 0; i < 3; i++) {
      await meet(user);
      h.clock.advance(61_000);
      expect((await endRoute.POST(post(user, "/api/matching/end"))).status).toBe(200);
    }
    expect((await enqueue(user)).status).toBe(200);
    await endRoute.POST(post(user, "/api/matching/end"));
  });

  it("skip and end during maintenance end the call and queue nobody", async () => {
    const user = await h.newUser("Skipper");
    const partner = await meet(user);
    h.deps.maintenance.enabled = true;
    try {
      const res = await skipRoute.POST(post(user, "/api/matching/skip"));
      expect(res.status).toBe(503);
      expect((await res.json()).error).toMatchObject({ code: "MAINTENANCE" });
      expect(await status(user)).toMatchObject({ status: "idle" });
      expect(await status(partner)).toMatchObject({ status: "idle" });
      const end = await endRoute.POST(post(user, "/api/matching/end"));
      expect(await end.json()).toEqual({ status: "idle" });
      expect(await status(user)).toMatchObject({ status: "idle" });
    } finally {
      h.deps.maintenance.enabled = false;
    }
  });
});

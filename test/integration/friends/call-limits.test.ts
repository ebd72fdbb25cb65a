import { afterAll, beforeAll, expect, it } from "vitest";
import * as callRoute from "@/app/api/friends/[id]/call/route";
import { DEFAULT_LIMITS } from "@/server/safety/rate-limits";
import { postAs } from "@test/support/calls";
import { createHarness, type Harness } from "@test/support/harness";

/** Friend calls with the rate limits on (real Redis counters). */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ limits: true });
});
afterAll(async () => {
  await h?.close();
});

it("placing calls is rate-limited per caller, before any lookup: 429 with the error shape and Retry-After", async () => {
  const a = await h.newUser("Ada");
  const friendshipId = "0f0f0f0f-0000-4000-8000-000000000000"; // not theirs: each try still counts
  const place = () =>
    callRoute.POST(postAs(a, `/api/friends/${friendshipId}/call`), { params: Promise.resolve({ id: friendshipId }) });
  for (let i = 0; i < DEFAULT_LIMITS.friendCalls.points; i++) expect((await place()).status).toBe(404);
  const over = await place();
  expect(over.status).toBe(429);
  expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(await over.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
  // another caller has their own budget
  const b = await h.newUser("Bo");
  expect(
    (await callRoute.POST(postAs(b, `/api/friends/${friendshipId}/call`), { params: Promise.resolve({ id: friendshipId }) }))
      .status,
  ).toBe(404);
});

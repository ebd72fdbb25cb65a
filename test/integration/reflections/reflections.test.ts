import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import * as endRoute from "@/app/api/matching/end/route";
import * as reflectionsRoute from "@/app/api/reflections/route";
import { REFLECTION_MIN_CALL_MS, REFLECTION_WINDOW_MS } from "@/lib/reflections";
import { findReflection } from "@/server/db/reflections";
import { matchSessions } from "@/server/db/schema";
import { callBetween, postAs } from "@test/support/calls";
import { createHarness, type Harness, type TestUser } from "@test/support/harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function reflect(user: TestUser | null, body: unknown) {
  const res = await reflectionsRoute.POST(postAs(user, "/api/reflections", body));
  return { status: res.status, body: await res.json() };
}

/** Two fresh users; the call between them lasted `lastedMs` and `a` ended it (unless `ended: false`). */
async function call(lastedMs: number, { ended = true } = {}) {
  const a = await h.newUser("Ada");
  const b = await h.newUser("Bo");
  return { a, b, sessionId: await callBetween(h, a, b, { lastedMs, end: ended }) };
}

describe("POST /api/reflections on real Postgres and Redis", () => {
  it("records one reflection per member of an ended call, about the partner", async () => {
    const { a, b, sessionId } = await call(REFLECTION_MIN_CALL_MS + 5_000);
    const mine = await reflect(a, { sessionId, vibe: 5, outcome: "again", tags: ["kind", "funny"] });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.id).toEqual(expect.any(String));
    expect(await findReflection(h.deps.db, sessionId, a.id)).toMatchObject({
      rated: b.id,
      vibe: 5,
      outcome: "again",
      tags: ["kind", "funny"],
    });

    // The partner reflects independently.
    expect((await reflect(b, { sessionId, vibe: 2, outcome: "pass" })).status).toBe(201);
    expect(await findReflection(h.deps.db, sessionId, b.id)).toMatchObject({ rated: a.id, vibe: 2, outcome: "pass", tags: [] });
  });

  it("a second reflection on the same call is a 409 CONFLICT and the first stays", async () => {
    const { a, sessionId } = await call(REFLECTION_MIN_CALL_MS);
    expect((await reflect(a, { sessionId, vibe: 4, outcome: "maybe" })).status).toBe(201);
    const again = await reflect(a, { sessionId, vibe: 1, outcome: "pass" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "CONFLICT", requestId: expect.any(String) });
    expect(await findReflection(h.deps.db, sessionId, a.id)).toMatchObject({ vibe: 4, outcome: "maybe" });
  });

  it("two reflections sent at once: exactly one is kept", async () => {
    const { a, sessionId } = await call(REFLECTION_MIN_CALL_MS);
    const results = await Promise.all([1, 2, 3, 4].map((vibe) => reflect(a, { sessionId, vibe, outcome: "maybe" })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it("only members may reflect (403), and only on a conversation that exists (404)", async () => {
    const { sessionId } = await call(REFLECTION_MIN_CALL_MS);
    const stranger = await h.newUser("Cy");
    expect((await reflect(stranger, { sessionId, vibe: 3, outcome: "maybe" })).body.error.code).toBe("FORBIDDEN");
    expect((await reflect(stranger, { sessionId: "no_such_session", vibe: 3, outcome: "maybe" })).status).toBe(404);
  });

  it("a call still going, or shorter than 20 s, takes no reflection (409)", async () => {
    const live = await call(REFLECTION_MIN_CALL_MS + 1_000, { ended: false });
    const early = await reflect(live.a, { sessionId: live.sessionId, vibe: 3, outcome: "maybe" });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/not ended/);
    await endRoute.POST(postAs(live.a, "/api/matching/end"));

    const short = await call(REFLECTION_MIN_CALL_MS - 1_000);
    const refused = await reflect(short.b, { sessionId: short.sessionId, vibe: 3, outcome: "maybe" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/too short/);
  });

  it("the call is counted from when both were in the room, if they ever were", async () => {
    const { a, sessionId } = await call(REFLECTION_MIN_CALL_MS + 1_000);
    const [row] = await h.deps.db.select().from(matchSessions).where(eq(matchSessions.id, sessionId));
    // Both joined the room 5 s in: the call itself lasted 16 s.
    await h.deps.db
      .update(matchSessions)
      .set({ activeAt: new Date(row!.createdAt.getTime() + 5_000) })
      .where(eq(matchSessions.id, sessionId));
    expect((await reflect(a, { sessionId, vibe: 3, outcome: "maybe" })).status).toBe(409);
  });

  it("closes a day after the end", async () => {
    const { a, b, sessionId } = await call(REFLECTION_MIN_CALL_MS);
    h.clock.advance(REFLECTION_WINDOW_MS - 1_000);
    expect((await reflect(a, { sessionId, vibe: 3, outcome: "maybe" })).status).toBe(201);
    h.clock.advance(2_000);
    const late = await reflect(b, { sessionId, vibe: 3, outcome: "maybe" });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/day/);
  });

  it("bad input is a 400 with the zod issues; no session is a 401", async () => {
    const { a, sessionId } = await call(REFLECTION_MIN_CALL_MS);
    const bad = await reflect(a, { sessionId, vibe: 9, outcome: "again", tags: ["rude"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_INPUT");
    expect(bad.body.error.details.map((d: { path: (string | number)[] }) => d.path[0])).toEqual(["vibe", "tags"]);
    expect((await reflect(null, { sessionId, vibe: 3, outcome: "maybe" })).status).toBe(401);
  });
});

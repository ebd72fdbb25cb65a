import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminReport from "@/app/api/admin/reports/[id]/route";
import * as adminReports from "@/app/api/admin/reports/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as skipRoute from "@/app/api/matching/skip/route";
import * as reflectionsRoute from "@/app/api/reflections/route";
import * as reportsRoute from "@/app/api/reports/route";
import { trustLedgerOf, trustScoreOf } from "@/server/db/trust";
import { RATER_DAILY_CAP, RATER_CAP_WINDOW_MS } from "@/server/trust/rules";
import { callBetween, postAs } from "@test/support/calls";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

let h: Harness;
beforeAll(async () => {
  // two skips are free, the third earns a cooldown; pairs may meet again after 1 s
  h = await createHarness({ config: { skipFree: 2, rematchWindowMs: 1_000 } });
});
afterAll(async () => {
  await h?.close();
});

/** A finished call of reflection length, then past the 1 s rematch window. */
async function call(a: TestUser, b: TestUser) {
  // over a minute: a shorter call its user stops counts as their skip, and skips are scarce here
  const sessionId = await callBetween(h, a, b, { lastedMs: 61_000 });
  h.clock.advance(2_000);
  return sessionId;
}

async function reflect(user: TestUser, sessionId: string, vibe: number, outcome: string) {
  const res = await reflectionsRoute.POST(postAs(user, "/api/reflections", { sessionId, vibe, outcome }));
  expect(res.status).toBe(201);
}

const score = async (user: TestUser) => (await trustScoreOf(h.deps.db, user.id))?.score ?? 0;

describe("trust score on real Postgres and Redis", () => {
  it("a partner's reflection moves the score a little, recorded in the ledger with its parts", async () => {
    const [a, b] = [await h.newUser("Ada"), await h.newUser("Bo")];
    const sessionId = await call(a, b);
    await reflect(a, sessionId, 5, "again");
    await reflect(b, sessionId, 1, "pass");
    expect(await trustScoreOf(h.deps.db, b.id)).toMatchObject({ score: 2, reflections: 2, moderation: 0 });
    expect(await trustScoreOf(h.deps.db, a.id)).toMatchObject({ score: -1.5, reflections: -1.5 });
    expect(await trustLedgerOf(h.deps.db, b.id)).toEqual([expect.objectContaining({ delta: 2, source: "reflection" })]);
  });

  it("a rater's effect on one person counts once, however often they meet", async () => {
    const [a, b] = [await h.newUser("Ada"), await h.newUser("Bo")];
    await reflect(a, await call(a, b), 5, "again");
    await reflect(a, await call(a, b), 5, "again");
    expect(await score(b)).toBe(2);
    expect(await trustLedgerOf(h.deps.db, b.id)).toHaveLength(1);
  });

  it("each rater's total effect per day is capped, even when sent all at once", async () => {
    const rater = await h.newUser("Rater");
    const others = [await h.newUser("O1"), await h.newUser("O2"), await h.newUser("O3")];
    const sessions: string[] = [];
    for (const other of others) sessions.push(await call(rater, other));
    await Promise.all(others.map((_, i) => reflect(rater, sessions[i]!, 5, "again")));
    const moved = await Promise.all(others.map(score));
    expect(moved.reduce((sum, s) => sum + Math.abs(s), 0)).toBe(RATER_DAILY_CAP);

    // A day later the rater counts again.
    const later = await h.newUser("O4");
    const sessionId = await call(rater, later);
    h.clock.advance(RATER_CAP_WINDOW_MS - 5_000); // past the first reflections' day, inside this call's
    await reflect(rater, sessionId, 5, "again");
    expect(await score(later)).toBe(2);
  });

  it("a report a moderator confirms moves the score a lot, and the console shows score and ledger", async () => {
    const [a, b] = [await h.newUser("Ada"), await h.newUser("Bo")];
    const sessionId = await call(a, b);
    await reflect(b, sessionId, 4, "maybe"); // +0.5 for a
    expect((await reportsRoute.POST(postAs(b, "/api/reports", { sessionId, reason: "harassment" }))).status).toBe(201);
    const bearer = { authorization: "Bearer test-admin-token" };
    const list = await (await adminReports.GET(apiRequest(null, "/api/admin/reports", { headers: bearer }))).json();
    const report = list.reports.find((r: { sessionId: string }) => r.sessionId === sessionId);
    expect(report.reported.trust).toMatchObject({ score: 0.5, components: { reflections: 0.5, moderation: 0 } });

    h.clock.advance(1_000);
    const ban = await adminReport.POST(
      apiRequest(null, `/api/admin/reports/${report.id}`, {
        method: "POST",
        body: { action: "ban", hours: 24 },
        headers: bearer,
      }),
      { params: Promise.resolve({ id: report.id }) },
    );
    expect(ban.status).toBe(200);
    expect(await trustScoreOf(h.deps.db, a.id)).toMatchObject({ score: -19.5, moderation: -20, reflections: 0.5 });
    expect((await trustLedgerOf(h.deps.db, a.id))[0]).toMatchObject({
      source: "report_confirmed",
      delta: -20,
      sourceRef: report.id,
    });
  });

  it("earning a skip cooldown costs a little, once per cooldown", async () => {
    const skipper = await h.newUser("Skipper");
    await enqueueRoute.POST(postAs(skipper, "/api/matching/enqueue", { mood: "chill" }));
    let status = 200;
    for (let i = 0; i < 3 && status === 200; i++) {
      const partner = await h.newUser(`P${i}`);
      const matched = await (await enqueueRoute.POST(postAs(partner, "/api/matching/enqueue", { mood: "chill" }))).json();
      expect(matched.status).toBe("in_session");
      status = (await skipRoute.POST(postAs(skipper, "/api/matching/skip"))).status;
    }
    expect(status).toBe(429);
    expect(await trustScoreOf(h.deps.db, skipper.id)).toMatchObject({ score: -1, cooldowns: -1 });
  });
});

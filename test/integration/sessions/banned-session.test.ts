import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminReport from "@/app/api/admin/reports/[id]/route";
import * as messagesRoute from "@/app/api/chat/messages/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as eventsRoute from "@/app/api/matching/events/route";
import * as heartbeatRoute from "@/app/api/matching/heartbeat/route";
import * as statusRoute from "@/app/api/matching/status/route";
import * as reportsRoute from "@/app/api/reports/route";
import { resetBans } from "@/server/auth/bans";
import { setBan } from "@/server/db/users";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";
import { SseReader } from "@test/support/sse-reader";

/**
 * A banned user's JWT stays valid for 30 days: every authenticated call must refuse them and their
 * open event stream must end (instructions/safety-and-operations.md "Banned sessions").
 * Real Redis and Postgres.
 */
let h: Harness;

beforeAll(async () => {
  resetBans();
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
  resetBans();
});

const enqueue = (u: TestUser) => enqueueRoute.POST(apiRequest(u, "/api/matching/enqueue", { method: "POST", body: {} }));
const status = (u: TestUser) => statusRoute.GET(apiRequest(u, "/api/matching/status"));

async function expectSuspended(res: Response) {
  expect(res.status).toBe(403);
  const body = await res.json();
  expect(body.error).toMatchObject({
    code: "FORBIDDEN",
    message: expect.stringMatching(/suspended until/),
    requestId: expect.any(String),
  });
  expect(body.error.details.bannedUntil).toEqual(expect.any(String));
}

/** Resolves once the stream has ended (frames before the end are skipped). */
async function ended(reader: SseReader, withinMs: number): Promise<boolean> {
  const timeout = new Promise<false>((r) => setTimeout(() => r(false), withinMs));
  const end = (async () => {
    while ((await reader.next()) !== null);
    return true as const;
  })();
  return Promise.race([end, timeout]);
}

describe("banned sessions", () => {
  it("a ban refuses the user's existing session on every API call and ends their event stream", async () => {
    const offender = await h.newUser("Offender");
    const victim = await h.newUser("Victim");
    await enqueue(offender);
    const sessionId = (await (await enqueue(victim)).json()).session.id as string;

    const res = await eventsRoute.GET(apiRequest(offender, "/api/matching/events"));
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    expect((await reader.events(1))[0]).toMatchObject({ event: "state" });

    const report = await reportsRoute.POST(
      apiRequest(victim, "/api/reports", { method: "POST", body: { sessionId, reason: "harassment" } }),
    );
    const reportId = (await report.json()).id as string;
    const ban = await adminReport.POST(
      new Request(`http://localhost:3000/api/admin/reports/${reportId}`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ action: "ban", hours: 24 }),
      }),
      { params: Promise.resolve({ id: reportId }) },
    );
    expect(ban.status).toBe(200);

    expect(await ended(reader, 5_000)).toBe(true);
    await expectSuspended(await status(offender));
    await expectSuspended(
      await heartbeatRoute.POST(apiRequest(offender, "/api/matching/heartbeat", { method: "POST", body: {} })),
    );
    await expectSuspended(
      await messagesRoute.POST(apiRequest(offender, "/api/chat/messages", { method: "POST", body: { sessionId, text: "hi" } })),
    );
    await expectSuspended(await eventsRoute.GET(apiRequest(offender, "/api/matching/events")));
    // Nobody else is affected.
    expect((await status(victim)).status).toBe(200);
  });

  it("a ban written by another instance reaches this one within seconds", async () => {
    const user = await h.newUser("Elsewhere");
    expect((await status(user)).status).toBe(200);
    const res = await eventsRoute.GET(apiRequest(user, "/api/matching/events"));
    const reader = new SseReader(res);
    await reader.events(1);
    // What another instance's moderation does: Postgres first, then the shared ban epoch.
    await setBan(h.deps.db, user.id, new Date(h.clock.now + 3_600_000), "test");
    await h.deps.kv.set("bans:epoch", "bumped-elsewhere");
    expect(await ended(reader, 6_000)).toBe(true);
    await expectSuspended(await status(user));
  });
});

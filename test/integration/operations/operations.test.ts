import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminReports from "@/app/api/admin/reports/route";
import * as adminReport from "@/app/api/admin/reports/[id]/route";
import * as adminStats from "@/app/api/admin/stats/route";
import * as messagesRoute from "@/app/api/chat/messages/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as eventsRoute from "@/app/api/matching/events/route";
import * as statusRoute from "@/app/api/matching/status/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as popularRoute from "@/app/api/interests/popular/route";
import * as reportsRoute from "@/app/api/reports/route";
import { SseReader } from "@test/support/sse-reader";
import { apiRequest, createHarness, installServices, type Harness, type TestUser } from "@test/support/harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ limits: true });
});
afterAll(async () => {
  await h?.close();
});

const enqueue = (u: TestUser, body: unknown = { mode: "any" }) =>
  enqueueRoute.POST(apiRequest(u, "/api/matching/enqueue", { method: "POST", body }));
const bearer = (path: string, token: string, init: RequestInit = {}) =>
  new Request(`http://localhost:3000${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });

describe("rate limits", () => {
  it("chat floods get 429 RATE_LIMITED with Retry-After", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    await enqueue(a);
    const sessionId = (await (await enqueue(b)).json()).session.id;
    let limited: Response | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await messagesRoute.POST(
        apiRequest(a, "/api/chat/messages", { method: "POST", body: { sessionId, text: `m${i}` } }),
      );
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited).toBeDefined();
    const body = await limited!.json();
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.error.details.retryAfterMs).toBeGreaterThan(0);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("moderation", () => {
  it("lists open reports by severity with context; a ban ends the call and refuses enqueue with 403", async () => {
    const reporter = await h.newUser("Rita");
    const offender = await h.newUser("Otto");
    await enqueue(reporter);
    const sessionId = (await (await enqueue(offender)).json()).session.id;
    await messagesRoute.POST(
      apiRequest(offender, "/api/chat/messages", { method: "POST", body: { sessionId, text: "something awful" } }),
    );
    const created = await reportsRoute.POST(
      apiRequest(reporter, "/api/reports", { method: "POST", body: { sessionId, reason: "minor", details: "looks 12" } }),
    );
    expect(created.status).toBe(201);
    const reportId = (await created.json()).id;

    const other = await h.newUser();
    const other2 = await h.newUser();
    await enqueue(other);
    const s2 = (await (await enqueue(other2)).json()).session.id;
    await reportsRoute.POST(apiRequest(other, "/api/reports", { method: "POST", body: { sessionId: s2, reason: "spam" } }));

    const list = await adminReports.GET(bearer("/api/admin/reports", "test-admin-token"));
    expect(list.status).toBe(200);
    const { reports } = await list.json();
    expect(reports[0]).toMatchObject({
      id: reportId,
      severity: "critical",
      reason: "minor",
      reported: { id: offender.id, nickname: "Otto" },
    });
    expect(reports[0].chat).toEqual([expect.objectContaining({ from: "reported", text: "something awful" })]);
    expect(reports.map((r: { severity: string }) => r.severity)).toEqual(["critical", "low"]);

    // The offender is in a new call when the ban lands: it ends at once.
    const victim = await h.newUser();
    await enqueue(offender);
    await enqueue(victim);
    expect((await (await statusRoute.GET(apiRequest(offender, "/api/matching/status"))).json()).status).toBe("in_session");
    const act = (id: string, body: unknown) =>
      adminReport.POST(bearer(`/api/admin/reports/${id}`, "test-admin-token", { method: "POST", body: JSON.stringify(body) }), {
        params: Promise.resolve({ id }),
      });
    const banned = await act(reportId, { action: "ban", hours: 24 });
    expect(banned.status).toBe(200);
    expect((await banned.json()).status).toBe("actioned");
    expect((await (await statusRoute.GET(apiRequest(victim, "/api/matching/status"))).json()).status).toBe("idle");
    const refused = await enqueue(offender);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/suspended until/);
    expect((await act(reportId, { action: "dismiss" })).status).toBe(409);
  });
});

describe("operations", () => {
  it("admin stats, metrics and popular interests", async () => {
    const a = await h.newUser();
    await enqueue(a, { mood: "silly", interests: ["Chess", "jazz"] });
    const stats = await (await adminStats.GET(bearer("/api/admin/stats", "test-admin-token"))).json();
    expect(stats).toMatchObject({
      waiting: expect.any(Number),
      queueByMood: expect.objectContaining({ silly: 1 }),
      activeSessions: expect.any(Number),
      online: expect.any(Number),
      matchesLastHour: expect.any(Number),
    });
    expect(stats.matchesLastHour).toBeGreaterThanOrEqual(2);

    const metrics = await metricsRoute.GET(bearer("/api/metrics", "test-metrics-token"));
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/moodmatch_queue_size\{mood="silly"\} 1/);
    expect(text).toMatch(/moodmatch_matches_total \d+/);
    expect(text).toMatch(/moodmatch_http_errors_total\{[^}]*code="RATE_LIMITED"/);

    const popular = await (await popularRoute.GET(new Request("http://localhost:3000/api/interests/popular"))).json();
    expect(popular).toEqual(
      expect.arrayContaining([
        { interest: "chess", count: 1 },
        { interest: "jazz", count: 1 },
      ]),
    );
  });

  it("maintenance mode: enqueue answers 503 and streams get a maintenance event", async () => {
    installServices({ ...h.deps, maintenance: { enabled: true, message: "Back at 10:00." } });
    try {
      const u = await h.newUser();
      const res = await enqueue(u);
      expect(res.status).toBe(503);
      expect((await res.json()).error).toMatchObject({ code: "MAINTENANCE", message: "Back at 10:00." });
      const ac = new AbortController();
      const stream = await eventsRoute.GET(new Request(apiRequest(u, "/api/matching/events"), { signal: ac.signal }));
      const reader = new SseReader(stream);
      const events = await reader.events(2);
      expect(events.map((e) => e.event)).toEqual(["state", "maintenance"]);
      expect(events[1]!.data).toEqual({ message: "Back at 10:00." });
      ac.abort();
    } finally {
      installServices(h.deps);
    }
  });
});

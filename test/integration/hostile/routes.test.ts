import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminReports from "@/app/api/admin/reports/route";
import * as adminReport from "@/app/api/admin/reports/[id]/route";
import * as adminStats from "@/app/api/admin/stats/route";
import * as blocksRoute from "@/app/api/blocks/route";
import * as messagesRoute from "@/app/api/chat/messages/route";
import * as typingRoute from "@/app/api/chat/typing/route";
import * as cleanupRoute from "@/app/api/cron/cleanup/route";
import * as healthRoute from "@/app/api/health/route";
import * as webhookRoute from "@/app/api/livekit/webhooks/route";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as heartbeatRoute from "@/app/api/matching/heartbeat/route";
import * as revealRoute from "@/app/api/matching/reveal/route";
import * as skipRoute from "@/app/api/matching/skip/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as reflectionsRoute from "@/app/api/reflections/route";
import * as reportsRoute from "@/app/api/reports/route";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

/**
 * Every mutating route × hostile input: the answer is always a 4xx with the error shape, never a
 * 5xx, and the app is healthy afterwards.
 */
let h: Harness;
let user: TestUser;
let sessionId: string;

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser("Target");
  const partner = await h.newUser("Partner");
  await enqueueRoute.POST(apiRequest(user, "/api/matching/enqueue", { method: "POST", body: { mode: "any" } }));
  const res = await enqueueRoute.POST(apiRequest(partner, "/api/matching/enqueue", { method: "POST", body: { mode: "any" } }));
  sessionId = (await res.json()).session.id;
});
afterAll(async () => {
  await h?.close();
});

type Handler = (req: Request, ctx?: never) => Promise<Response>;
const adminReportPost: Handler = (req) => adminReport.POST(req, { params: Promise.resolve({ id: "x" }) });

const userRoutes: [string, Handler][] = [
  ["/api/matching/enqueue", enqueueRoute.POST],
  ["/api/matching/skip", skipRoute.POST],
  ["/api/matching/end", endRoute.POST],
  ["/api/matching/heartbeat", heartbeatRoute.POST],
  ["/api/matching/reveal", revealRoute.POST],
  ["/api/chat/messages", messagesRoute.POST],
  ["/api/chat/typing", typingRoute.POST],
  ["/api/reports", reportsRoute.POST],
  ["/api/blocks", blocksRoute.POST],
  ["/api/reflections", reflectionsRoute.POST],
];

async function expectClientError(res: Response, allowed: number[]) {
  expect(res.status, `status ${res.status}`).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(allowed).toContain(res.status);
  const body = await res.json();
  expect(body.error).toMatchObject({
    code: expect.stringMatching(/^[A-Z_]+$/),
    message: expect.any(String),
    requestId: expect.any(String),
  });
  expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
}

const raw = (u: TestUser | null, path: string, body: BodyInit, headers: Record<string, string>) =>
  apiRequest(u, path, { method: "POST", body: body as string, headers });

describe("hostile input on every user route", () => {
  it.each(userRoutes)("%s: malformed JSON → 400", async (path, handler) => {
    await expectClientError(await handler(raw(user, path, '{"mood": ', { "content-type": "application/json" })), [400]);
  });

  it.each(userRoutes)("%s: wrong content type → 415", async (path, handler) => {
    await expectClientError(
      await handler(raw(user, path, "mood=chill", { "content-type": "application/x-www-form-urlencoded" })),
      [415],
    );
    await expectClientError(await handler(raw(user, path, "<xml/>", { "content-type": "text/xml" })), [415]);
  });

  it.each(userRoutes)("%s: oversized body → 413", async (path, handler) => {
    const big = JSON.stringify({ text: "x".repeat(17 * 1024) });
    await expectClientError(await handler(raw(user, path, big, { "content-type": "application/json" })), [413]);
  });

  it.each(userRoutes)("%s: wrong JSON types and smuggled fields → 400", async (path, handler) => {
    for (const body of [
      "[]",
      "null",
      "42",
      '"text"',
      JSON.stringify({ userId: "someone" }),
      JSON.stringify({ sessionId: 5, text: ["a"] }),
    ]) {
      await expectClientError(await handler(raw(user, path, body, { "content-type": "application/json" })), [400]);
    }
  });

  it.each(userRoutes)("%s: no session or a forged one → 401", async (path, handler) => {
    await expectClientError(await handler(apiRequest(null, path, { method: "POST", body: {} })), [401]);
    const forged = { ...user, cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..forged" };
    await expectClientError(await handler(apiRequest(forged, path, { method: "POST", body: {} })), [401]);
  });

  it.each(userRoutes)("%s: cross-site POST → 403", async (path, handler) => {
    await expectClientError(
      await handler(apiRequest(user, path, { method: "POST", body: {}, headers: { origin: "https://evil.example" } })),
      [403],
    );
  });

  it("unknown enums and boundary lengths", async () => {
    const post = (path: string, handler: Handler, body: unknown) => handler(apiRequest(user, path, { method: "POST", body }));
    await expectClientError(await post("/api/matching/enqueue", enqueueRoute.POST, { mood: "angry" }), [400]);
    await expectClientError(await post("/api/matching/enqueue", enqueueRoute.POST, { mode: "everyone" }), [400]);
    await expectClientError(
      await post("/api/matching/enqueue", enqueueRoute.POST, { interests: Array.from({ length: 11 }, (_, i) => `i${i}`) }),
      [400],
    );
    await expectClientError(await post("/api/matching/enqueue", enqueueRoute.POST, { interests: [""] }), [400]);
    await expectClientError(await post("/api/matching/enqueue", enqueueRoute.POST, { interests: ["x".repeat(33)] }), [400]);
    await expectClientError(await post("/api/reports", reportsRoute.POST, { sessionId, reason: "rude" }), [400]);
    await expectClientError(
      await post("/api/reports", reportsRoute.POST, { sessionId, reason: "spam", details: "x".repeat(1001) }),
      [400],
    );
    await expectClientError(await post("/api/chat/messages", messagesRoute.POST, { sessionId, text: "x".repeat(501) }), [400]);
    await expectClientError(await post("/api/chat/messages", messagesRoute.POST, { sessionId: "../../etc", text: "hi" }), [400]);
    await expectClientError(
      await post("/api/chat/messages", messagesRoute.POST, { sessionId: "x".repeat(65), text: "hi" }),
      [400],
    );
    // Exactly at the limits is fine.
    const ok = await post("/api/chat/messages", messagesRoute.POST, { sessionId, text: "x".repeat(500) });
    expect(ok.status).toBe(200);
    const tenInterests = Array.from({ length: 10 }, (_, i) => "y".repeat(32 - String(i).length) + i);
    const stranger = await h.newUser();
    expect(
      (
        await enqueueRoute.POST(
          apiRequest(stranger, "/api/matching/enqueue", { method: "POST", body: { interests: tenInterests } }),
        )
      ).status,
    ).toBe(200);
    await endRoute.POST(apiRequest(stranger, "/api/matching/end", { method: "POST", body: {} }));
  });

  it("sessions that are not yours or do not exist", async () => {
    const stranger = await h.newUser("Nosy");
    const post = (path: string, handler: Handler, body: unknown) => handler(apiRequest(stranger, path, { method: "POST", body }));
    await expectClientError(await post("/api/chat/messages", messagesRoute.POST, { sessionId, text: "hi" }), [403]);
    await expectClientError(await post("/api/chat/typing", typingRoute.POST, { sessionId }), [403]);
    await expectClientError(await post("/api/matching/reveal", revealRoute.POST, { sessionId }), [403]);
    await expectClientError(await post("/api/matching/reveal", revealRoute.POST, { sessionId: "nosuchsession" }), [409]);
    await expectClientError(await post("/api/reports", reportsRoute.POST, { sessionId, reason: "spam" }), [403]);
    await expectClientError(await post("/api/blocks", blocksRoute.POST, { sessionId }), [403]);
    await expectClientError(
      await post("/api/chat/messages", messagesRoute.POST, { sessionId: "nosuchsession", text: "hi" }),
      [409],
    );
    await expectClientError(await post("/api/reports", reportsRoute.POST, { sessionId: "nosuchsession", reason: "spam" }), [404]);
  });
});

describe("hostile input on bearer and webhook routes", () => {
  it("webhooks: garbage, huge and unsigned bodies → 4xx", async () => {
    const send = (body: string, headers: Record<string, string>) =>
      webhookRoute.POST(new Request("http://localhost:3000/api/livekit/webhooks", { method: "POST", body, headers }));
    await expectClientError(await send("not json", { authorization: "garbage" }), [401]);
    await expectClientError(await send("{}", {}), [401]);
    await expectClientError(await send("x".repeat(70 * 1024), { authorization: "x" }), [413]);
  });

  it("cron, admin and metrics: missing or wrong bearer → 401; bad admin input → 400/404", async () => {
    const get = (handler: Handler, path: string, auth?: string) =>
      handler(new Request(`http://localhost:3000${path}`, { headers: auth ? { authorization: auth } : {} }));
    for (const [handler, path] of [
      [cleanupRoute.GET, "/api/cron/cleanup"],
      [adminStats.GET, "/api/admin/stats"],
      [adminReports.GET, "/api/admin/reports"],
      [metricsRoute.GET, "/api/metrics"],
    ] as [Handler, string][]) {
      await expectClientError(await get(handler, path), [401]);
      await expectClientError(await get(handler, path, "Bearer nope"), [401]);
      await expectClientError(await get(handler, path, "Basic dGVzdDp0ZXN0"), [401]);
    }
    const admin = (body: string) =>
      adminReportPost(
        new Request("http://localhost:3000/api/admin/reports/x", {
          method: "POST",
          body,
          headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        }),
      );
    await expectClientError(await admin(JSON.stringify({ action: "nuke" })), [400]);
    await expectClientError(await admin(JSON.stringify({ action: "ban", hours: -1 })), [400]);
    await expectClientError(await admin(JSON.stringify({ action: "dismiss" })), [404]);
  });

  it("is still healthy and working afterwards", async () => {
    const health = await healthRoute.GET(new Request("http://localhost:3000/api/health?ready=1"));
    expect(health.status).toBe(200);
    const res = await messagesRoute.POST(
      apiRequest(user, "/api/chat/messages", { method: "POST", body: { sessionId, text: "still fine" } }),
    );
    expect(res.status).toBe(200);
  });
});

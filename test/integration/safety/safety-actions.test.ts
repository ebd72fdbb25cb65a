import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import * as blocksRoute from "@/app/api/blocks/route";
import * as messagesRoute from "@/app/api/chat/messages/route";
import * as typingRoute from "@/app/api/chat/typing/route";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as statusRoute from "@/app/api/matching/status/route";
import * as reportsRoute from "@/app/api/reports/route";
import type { Database } from "@/server/db";
import { openPostgres } from "@/server/db/client";
import { blocks, reports } from "@/server/db/schema";
import { settlePendingSafetyWrites } from "@/server/sessions/safety-writes";
import { TRANSCRIPT_MAX_LINES } from "@/server/sessions/transcript";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

/**
 * Issue 14 item 5 (instructions/safety-and-operations.md "Safety actions survive outages"): Block
 * and Report protect at once from the store and are recorded once Postgres can take them; a
 * report's evidence is the session's own transcript, which typing and other events cannot push out.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const post = (user: TestUser, path: string, body: unknown = {}) => apiRequest(user, path, { method: "POST", body });
const json = async (res: Response) => ({ status: res.status, body: res.status === 204 ? null : await res.json() });
const statusOf = async (u: TestUser) => (await json(await statusRoute.GET(apiRequest(u, "/api/matching/status")))).body.status;

async function pair(a: TestUser, b: TestUser): Promise<string> {
  await enqueueRoute.POST(post(a, "/api/matching/enqueue", { mode: "any" }));
  const matched = await json(await enqueueRoute.POST(post(b, "/api/matching/enqueue", { mode: "any" })));
  expect(matched.body.status).toBe("in_session");
  return matched.body.session.id;
}

/** Postgres with nothing listening on its port, for the rest of the test. */
async function postgresDown() {
  const original = h.deps.db;
  const closed = await openPostgres("postgres://postgres@127.0.0.1:9/none", { max: 1 });
  h.deps.db = closed.db as Database;
  const restore = () => void (h.deps.db = original);
  onTestFinished(async () => {
    restore();
    await closed.close();
  });
  return restore;
}

const reportRows = (sessionId: string) => h.deps.db.select().from(reports).where(eq(reports.sessionId, sessionId));

describe("safety actions survive a Postgres outage", () => {
  it("Report with Postgres down: 201 at once, the call ends, the pair never meets, the record is written once Postgres is back", async () => {
    const a = await h.newUser("Reporter");
    const b = await h.newUser("Abuser");
    const sessionId = await pair(a, b);
    await messagesRoute.POST(post(b, "/api/chat/messages", { sessionId, text: "something vile" }));

    const restore = await postgresDown();
    const started = performance.now();
    const res = await json(await reportsRoute.POST(post(a, "/api/reports", { sessionId, reason: "harassment" })));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.id).toEqual(expect.any(String));
    expect(performance.now() - started).toBeLessThan(3_000);
    // A second report while the first is still held is the same 409 as once it is recorded.
    expect((await reportsRoute.POST(post(a, "/api/reports", { sessionId, reason: "spam" }))).status).toBe(409);
    expect(await h.deps.store.getSession(sessionId)).toBeNull();
    // The call stops at once for the other person too: the room is deleted without waiting for Postgres.
    await expect.poll(() => h.livekit.rooms.has(`mm_${sessionId}`)).toBe(false);

    restore();
    expect(await reportRows(sessionId)).toEqual([]);
    expect(await statusOf(a)).toBe("idle");
    expect(await statusOf(b)).toBe("idle");
    // The store excludes the pair although Postgres has no block yet.
    expect((await json(await enqueueRoute.POST(post(a, "/api/matching/enqueue", { mode: "any" })))).body.status).toBe("waiting");
    expect((await json(await enqueueRoute.POST(post(b, "/api/matching/enqueue", { mode: "any" })))).body.status).toBe("waiting");
    await endRoute.POST(post(a, "/api/matching/end"));
    await endRoute.POST(post(b, "/api/matching/end"));

    expect((await settlePendingSafetyWrites(h.deps)).recorded).toBe(0); // not due yet: backoff
    h.clock.advance(10_000);
    expect(await settlePendingSafetyWrites(h.deps)).toEqual({ recorded: 1, pending: 0 });
    const [row] = await reportRows(sessionId);
    expect(row).toMatchObject({ id: res.body.id, reporter: a.id, reported: b.id, reason: "harassment", status: "open" });
    expect(row!.chatContext).toEqual([{ from: "reported", text: "something vile", sentAt: expect.any(String) }]);
    const blockRows = await h.deps.db.select().from(blocks).where(eq(blocks.blocker, a.id));
    expect(blockRows).toEqual([expect.objectContaining({ blocked: b.id, source: "report" })]);
    expect((await reportsRoute.POST(post(a, "/api/reports", { sessionId, reason: "spam" }))).status).toBe(409);
  });

  it("Block with Postgres down: 201, the call ends; a failed retry backs off, a later one records it", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const sessionId = await pair(a, b);
    const restore = await postgresDown();
    expect((await blocksRoute.POST(post(b, "/api/blocks", { sessionId }))).status).toBe(201);
    expect(await h.deps.store.getSession(sessionId)).toBeNull();
    h.clock.advance(10_000);
    expect(await settlePendingSafetyWrites(h.deps)).toEqual({ recorded: 0, pending: 1 }); // still down
    restore();
    expect((await settlePendingSafetyWrites(h.deps)).recorded).toBe(0); // backing off
    h.clock.advance(60_000);
    expect(await settlePendingSafetyWrites(h.deps)).toEqual({ recorded: 1, pending: 0 });
    expect(await h.deps.db.select().from(blocks).where(eq(blocks.blocker, b.id))).toEqual([
      expect.objectContaining({ blocked: a.id, source: "block", sessionId }),
    ]);
  });
});

describe("a report's evidence is the session's transcript", () => {
  it("keeps every chat line of the session however many typing events and other events follow", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const sessionId = await pair(a, b);
    await messagesRoute.POST(post(b, "/api/chat/messages", { sessionId, text: "first threat" }));
    await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId, text: "leave me alone" }));
    // More events than the per-user event log keeps (100): typing and chat alike.
    for (let i = 0; i < 120; i++) {
      expect((await typingRoute.POST(post(b, "/api/chat/typing", { sessionId }))).status).toBe(204);
    }
    const res = await json(await reportsRoute.POST(post(a, "/api/reports", { sessionId, reason: "hate" })));
    expect(res.status).toBe(201);
    const [row] = await reportRows(sessionId);
    expect(row!.chatContext.map((l) => [l.from, l.text])).toEqual([
      ["reported", "first threat"],
      ["reporter", "leave me alone"],
    ]);
  });

  it("is capped at its newest lines and holds only this session's chat", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const other = await pair(a, b);
    await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: other, text: "earlier call" }));
    await endRoute.POST(post(a, "/api/matching/end"));
    h.clock.advance(25 * 3_600_000); // past the rematch window
    const sessionId = await pair(a, b);
    const transcript = `kv:${h.namespace}:chat:transcript:${sessionId}`;
    for (let i = 0; i < TRANSCRIPT_MAX_LINES + 5; i++) {
      await h.redis.rpush(transcript, JSON.stringify({ from: b.id, text: `line ${i}`, sentAt: new Date().toISOString() }));
    }
    await messagesRoute.POST(post(b, "/api/chat/messages", { sessionId, text: "the last line" }));
    expect(await h.redis.llen(transcript)).toBe(TRANSCRIPT_MAX_LINES);
    expect(await h.redis.pttl(transcript)).toBeGreaterThan(0);
    expect((await reportsRoute.POST(post(a, "/api/reports", { sessionId, reason: "spam" }))).status).toBe(201);
    const [row] = await reportRows(sessionId);
    expect(row!.chatContext).toHaveLength(TRANSCRIPT_MAX_LINES);
    expect(row!.chatContext.at(-1)).toMatchObject({ from: "reported", text: "the last line" });
    expect(row!.chatContext.some((l) => l.text === "earlier call")).toBe(false);
    // After the end the transcript is kept only briefly, for a report filed right after.
    expect(await h.redis.pttl(transcript)).toBeLessThanOrEqual(3_600_000);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as blocksRoute from "@/app/api/blocks/route";
import * as messagesRoute from "@/app/api/chat/messages/route";
import * as typingRoute from "@/app/api/chat/typing/route";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as eventsRoute from "@/app/api/matching/events/route";
import * as heartbeatRoute from "@/app/api/matching/heartbeat/route";
import * as sessionRoute from "@/app/api/matching/session/route";
import * as skipRoute from "@/app/api/matching/skip/route";
import * as statusRoute from "@/app/api/matching/status/route";
import * as reportsRoute from "@/app/api/reports/route";
import { findSessionRecord } from "@/server/db/sessions";
import { reports, blocks } from "@/server/db/schema";
import { SseReader } from "@test/support/sse-reader";
import { decodeJwt } from "jose";
import { eq } from "drizzle-orm";
import { participantIdentity } from "@/server/livekit/participant-identity";
import { apiRequest, createHarness, LK, type Harness, type TestUser } from "@test/support/harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const post = (user: TestUser | null, path: string, body: unknown = {}) => apiRequest(user, path, { method: "POST", body });
const json = async (res: Response) => ({ status: res.status, body: res.status === 204 ? null : await res.json() });

async function enqueue(user: TestUser, body: unknown = { mood: "chill", interests: ["music"] }) {
  return json(await enqueueRoute.POST(post(user, "/api/matching/enqueue", body)));
}

async function openEvents(user: TestUser, lastEventId?: string) {
  const ac = new AbortController();
  const req = apiRequest(user, "/api/matching/events", { headers: lastEventId ? { "last-event-id": lastEventId } : {} });
  const res = await eventsRoute.GET(new Request(req, { signal: ac.signal }));
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return { reader: new SseReader(res), close: () => ac.abort() };
}

/** Next event with one of the names, skipping others (e.g. queue updates). */
async function nextEvent(reader: SseReader, names: string[]) {
  for (;;) {
    const [e] = await reader.events(1);
    if (names.includes(e!.event!)) return e!;
  }
}

async function pair(a: TestUser, b: TestUser) {
  const first = await enqueue(a);
  expect(first.body.status).toBe("waiting");
  const second = await enqueue(b);
  expect(second.status).toBe(200);
  expect(second.body.status).toBe("in_session");
  return second.body as { session: { id: string; roomName: string }; livekit: { url: string; token: string } };
}

describe("session lifecycle over the real route handlers", () => {
  it("pairs two users: matched event, tokens for one room, room created, record in Postgres", async () => {
    const a = await h.newUser("Ada");
    const b = await h.newUser("Bo");
    const streamA = await openEvents(a);
    const [state] = await streamA.reader.events(1);
    expect(state!.event).toBe("state");
    expect(state!.data).toMatchObject({ status: "idle" });

    const waiting = await enqueue(a);
    expect(waiting.body).toMatchObject({ status: "waiting", position: 1, waiting: 1 });
    expect(waiting.body.estimatedWaitMs).toBeGreaterThan(0);

    const matched = await enqueue(b);
    expect(matched.body.status, JSON.stringify(matched.body)).toBe("in_session");
    expect(matched.body.session.partner).toMatchObject({ nickname: "Ada", mood: "chill", commonInterests: ["music"] });

    const event = await nextEvent(streamA.reader, ["matched"]);
    const data = event.data as {
      session: { id: string; roomName: string; partner: { nickname: string } };
      livekit: { token: string; url: string };
    };
    expect(data.session.id).toBe(matched.body.session.id);
    expect(data.session.partner.nickname).toBe("Bo");
    expect(data.session.roomName).toBe(`mm_${data.session.id}`);
    expect(data.livekit.url).toBe(h.livekit.wsUrl);

    const tokenA = decodeJwt(data.livekit.token) as { sub: string; video: Record<string, unknown> };
    const tokenB = decodeJwt(matched.body.livekit.token) as { sub: string; video: Record<string, unknown> };
    // The identity the partner sees is a per-session pseudonym, never the user id.
    expect(tokenA.sub).toBe(participantIdentity(LK.apiSecret, data.session.id, a.id));
    expect(tokenB.sub).toBe(participantIdentity(LK.apiSecret, data.session.id, b.id));
    expect([tokenA.sub, tokenB.sub].join()).not.toMatch(new RegExp(`${a.id}|${b.id}`));
    expect(tokenA.video).toMatchObject({ roomJoin: true, room: data.session.roomName });
    expect(tokenA.video.roomCreate).toBeUndefined();

    const room = h.livekit.rooms.get(data.session.roomName);
    expect(room?.maxParticipants).toBe(2);
    const record = await findSessionRecord(h.deps.db, data.session.id);
    expect(record).toMatchObject({ userA: expect.any(String), endedAt: null, roomName: data.session.roomName });

    // Enqueue again while in a session: 409.
    const again = await enqueue(a);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_IN_SESSION");
    streamA.close();
  });

  it("chat both ways with typing; strangers get 403; a blocked word is withheld", async () => {
    const a = await h.newUser("Cy");
    const b = await h.newUser("Di");
    const { session } = await pair(a, b);
    const streamB = await openEvents(b);
    await streamB.reader.events(1); // state

    const sent = await json(
      await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: session.id, text: "  hello there " })),
    );
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ id: expect.any(String), sentAt: expect.any(String) });
    const chat = await nextEvent(streamB.reader, ["chat"]);
    expect(chat.data).toMatchObject({ sessionId: session.id, text: "hello there", from: "partner", id: sent.body.id });

    const typing = await json(await typingRoute.POST(post(a, "/api/chat/typing", { sessionId: session.id })));
    expect(typing.status).toBe(204);
    expect((await nextEvent(streamB.reader, ["typing"])).data).toEqual({ sessionId: session.id });

    const stranger = await h.newUser("Eve");
    const denied = await json(
      await messagesRoute.POST(post(stranger, "/api/chat/messages", { sessionId: session.id, text: "hi" })),
    );
    expect(denied.status).toBe(403);

    const withheld = await json(
      await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: session.id, text: "you BADWORD" })),
    );
    expect(withheld.body.withheld).toBe(true);
    await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: session.id, text: "still here" }));
    expect((await nextEvent(streamB.reader, ["chat"])).data).toMatchObject({ text: "still here" });

    const empty = await json(await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: session.id, text: "   " })));
    expect(empty.status).toBe(400);
    const long = await json(
      await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: session.id, text: "x".repeat(501) })),
    );
    expect(long.status).toBe(400);
    streamB.close();
  });

  it("skip ends the session for both, re-queues the skipper, deletes the room and records the end", async () => {
    const a = await h.newUser("Fay");
    const b = await h.newUser("Gus");
    const { session } = await pair(a, b);
    const streamA = await openEvents(a);
    await streamA.reader.events(1);

    const skipped = await json(await skipRoute.POST(post(b, "/api/matching/skip")));
    expect(skipped.status).toBe(200);
    expect(skipped.body.status).toBe("waiting");
    expect(await nextEvent(streamA.reader, ["partner_left"])).toMatchObject({ data: { sessionId: session.id, reason: "skip" } });
    await expect.poll(() => h.livekit.rooms.has(session.roomName)).toBe(false); // deleted off the request path
    const record = await findSessionRecord(h.deps.db, session.id);
    expect(record).toMatchObject({ endReason: "skip", endedBy: b.id });
    expect(record?.endedAt).toBeInstanceOf(Date);

    // The partner is idle; the pair is not matched again (rematch window).
    expect((await json(await statusRoute.GET(apiRequest(a, "/api/matching/status")))).body.status).toBe("idle");
    expect((await enqueue(a)).body.status).toBe("waiting");

    const notInSession = await json(await skipRoute.POST(post(a, "/api/matching/skip")));
    expect(notInSession.status).toBe(409);
    expect(notInSession.body.error.code).toBe("NOT_IN_SESSION");
    await endRoute.POST(post(a, "/api/matching/end"));
    await endRoute.POST(post(b, "/api/matching/end"));
    streamA.close();
  });

  it("refresh rejoins: /session gives a fresh token and a reconnecting stream starts with state in_session", async () => {
    const a = await h.newUser("Hal");
    const b = await h.newUser("Ivy");
    const { session } = await pair(a, b);
    const current = await json(await sessionRoute.GET(apiRequest(b, "/api/matching/session")));
    expect(current.body.session.id).toBe(session.id);
    const fresh = decodeJwt(current.body.livekit.token) as { sub: string; video: { room: string } };
    expect(fresh.video.room).toBe(session.roomName);
    expect(fresh.sub).toBe(participantIdentity(LK.apiSecret, session.id, b.id)); // the same identity: it replaces the old connection

    const stream = await openEvents(b, "1");
    const [state] = await stream.reader.events(1);
    expect(state).toMatchObject({
      event: "state",
      data: { status: "in_session", session: { id: session.id }, livekit: { url: h.livekit.wsUrl } },
    });
    stream.close();

    const hb = await json(await heartbeatRoute.POST(post(b, "/api/matching/heartbeat")));
    expect(hb.body.status).toBe("in_session");

    const ended = await json(await endRoute.POST(post(a, "/api/matching/end")));
    expect(ended.body).toEqual({ status: "idle" });
    expect((await json(await endRoute.POST(post(a, "/api/matching/end")))).body).toEqual({ status: "idle" });
    expect((await json(await sessionRoute.GET(apiRequest(b, "/api/matching/session")))).status).toBe(404);
    expect((await findSessionRecord(h.deps.db, session.id))?.endReason).toBe("end");
  });

  it("report ends the session, stores severity and chat context, and blocks the pair for good", async () => {
    const a = await h.newUser("Jo");
    const b = await h.newUser("Kai");
    const { session } = await pair(a, b);
    await messagesRoute.POST(post(b, "/api/chat/messages", { sessionId: session.id, text: "rude line" }));
    await messagesRoute.POST(post(a, "/api/chat/messages", { sessionId: session.id, text: "stop it" }));
    const report = await json(
      await reportsRoute.POST(post(a, "/api/reports", { sessionId: session.id, reason: "nudity", details: "on camera" })),
    );
    expect(report.status).toBe(201);
    const [row] = await h.deps.db.select().from(reports).where(eq(reports.id, report.body.id));
    expect(row).toMatchObject({ reporter: a.id, reported: b.id, sessionId: session.id, severity: "critical", status: "open" });
    expect(row!.chatContext.map((l) => [l.from, l.text])).toEqual([
      ["reported", "rude line"],
      ["reporter", "stop it"],
    ]);
    expect((await findSessionRecord(h.deps.db, session.id))?.endReason).toBe("report");
    const blockRows = await h.deps.db.select().from(blocks).where(eq(blocks.blocker, a.id));
    expect(blockRows).toEqual([expect.objectContaining({ blocked: b.id, source: "report" })]);

    const twice = await json(await reportsRoute.POST(post(a, "/api/reports", { sessionId: session.id, reason: "spam" })));
    expect(twice.status).toBe(409);

    // Past the rematch window they would meet again, but a report blocks for good.
    h.clock.advance(25 * 3_600_000);
    expect((await enqueue(a, { mode: "any" })).body.status).toBe("waiting");
    expect((await enqueue(b, { mode: "any" })).body.status).toBe("waiting");
    await endRoute.POST(post(a, "/api/matching/end"));
    await endRoute.POST(post(b, "/api/matching/end"));
  });

  it("block ends the session with reason block; others cannot block in a stranger's session", async () => {
    const a = await h.newUser("Lu");
    const b = await h.newUser("Mo");
    const { session } = await pair(a, b);
    const stranger = await h.newUser("Ned");
    expect((await blocksRoute.POST(post(stranger, "/api/blocks", { sessionId: session.id }))).status).toBe(403);
    const blocked = await json(await blocksRoute.POST(post(b, "/api/blocks", { sessionId: session.id })));
    expect(blocked.status).toBe(201);
    expect(await findSessionRecord(h.deps.db, session.id)).toMatchObject({ endReason: "block", endedBy: b.id });
    expect((await blocksRoute.POST(post(b, "/api/blocks", { sessionId: "no-such-session" }))).status).toBe(404);
  });

  it("answers 401 JSON without a session and 400 for bad input", async () => {
    const res = await json(await enqueueRoute.POST(post(null, "/api/matching/enqueue", {})));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
    const u = await h.newUser();
    const bad = await json(
      await enqueueRoute.POST(post(u, "/api/matching/enqueue", { mood: "furious", interests: ["x".repeat(33)] })),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.length).toBe(2);
  });
});

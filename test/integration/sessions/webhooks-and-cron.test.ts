import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cleanupRoute from "@/app/api/cron/cleanup/route";
import * as webhookRoute from "@/app/api/livekit/webhooks/route";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as statusRoute from "@/app/api/matching/status/route";
import { findSessionRecord, recordSessionStart } from "@/server/db/sessions";
import { participantIdentity } from "@/server/livekit/participant-identity";
import { settleDepartures } from "@/server/sessions/background";
import { DEPARTURE_GRACE_MS } from "@/server/sessions/presence";
import { apiRequest, createHarness, LK, type Harness, type TestUser } from "@test/support/harness";
import { makeWebhookEvent, signWebhook, type WebhookEventInput } from "@test/support/webhook-signer";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function deliver(input: WebhookEventInput | { body: string; auth: string | null }) {
  let body: string;
  let auth: string | null;
  if ("event" in input) {
    body = makeWebhookEvent(input).body;
    auth = await signWebhook(body, LK);
  } else ({ body, auth } = input);
  const headers: Record<string, string> = { "content-type": "application/webhook+json" };
  if (auth !== null) headers.authorization = auth;
  const res = await webhookRoute.POST(
    new Request("http://localhost:3000/api/livekit/webhooks", { method: "POST", headers, body }),
  );
  return { status: res.status, body: await res.json() };
}

async function pair(a: TestUser, b: TestUser) {
  await enqueueRoute.POST(apiRequest(a, "/api/matching/enqueue", { method: "POST", body: { mode: "any" } }));
  const res = await enqueueRoute.POST(apiRequest(b, "/api/matching/enqueue", { method: "POST", body: { mode: "any" } }));
  const body = await res.json();
  expect(body.status).toBe("in_session");
  return body.session as { id: string; roomName: string };
}

/** The member's LiveKit identity in that session: a per-session pseudonym, never the user id. */
const lk = (session: { id: string }, user: TestUser) => participantIdentity(LK.apiSecret, session.id, user.id);

const statusOf = async (u: TestUser) => (await (await statusRoute.GET(apiRequest(u, "/api/matching/status"))).json()).status;

describe("LiveKit webhooks", () => {
  it("rejects forged, unsigned and tampered webhooks with 401", async () => {
    const { body } = makeWebhookEvent({ event: "room_finished", room: "mm_x" });
    expect((await deliver({ body, auth: null })).status).toBe(401);
    const wrong = await signWebhook(body, { apiKey: LK.apiKey, apiSecret: "not-the-secret-0123456789abcdef" });
    expect((await deliver({ body, auth: wrong })).status).toBe(401);
    const good = await signWebhook(body, LK);
    expect((await deliver({ body: body.replace("mm_x", "mm_y"), auth: good })).status).toBe(401);
    const res = await deliver({ body, auth: good });
    expect(res.status).toBe(200);
    expect(res.body.error).toBeUndefined();
  });

  it("activates on both joins, dedupes retries, ignores a stale sid, ends on the current sid's departure after the grace", async () => {
    const a = await h.newUser("Pia");
    const b = await h.newUser("Quinn");
    const session = await pair(a, b);
    const room = session.roomName;

    const joinA = {
      event: "participant_joined",
      room,
      participant: { identity: lk(session, a), sid: "PA_a1" },
      id: "EV_join_a",
    } as const;
    // The user id is not an identity: partners never see it, so a webhook naming it is not theirs.
    expect(
      (await deliver({ event: "participant_joined", room, participant: { identity: a.id, sid: "PA_x" } })).body.outcome,
    ).toBe("ignored");
    expect((await deliver(joinA)).body.outcome).toBe("joined");
    expect((await deliver(joinA)).body.outcome).toBe("duplicate");
    expect(
      (await deliver({ event: "participant_joined", room, participant: { identity: lk(session, b), sid: "PA_b1" } })).body
        .outcome,
    ).toBe("activated");
    expect((await findSessionRecord(h.deps.db, session.id))?.activeAt).toBeInstanceOf(Date);

    // A quick reconnect of A: the new sid joins before the old one's leave arrives.
    await deliver({ event: "participant_joined", room, participant: { identity: lk(session, a), sid: "PA_a2" } });
    expect(
      (await deliver({ event: "participant_left", room, participant: { identity: lk(session, a), sid: "PA_a1" } })).body.outcome,
    ).toBe("stale_leave");
    h.clock.advance(DEPARTURE_GRACE_MS + 1);
    expect(await settleDepartures(h.deps)).toBe(0);
    expect(await statusOf(a)).toBe("in_session");

    // A refresh: leave, then a new join within the grace keeps the session.
    expect(
      (await deliver({ event: "participant_left", room, participant: { identity: lk(session, a), sid: "PA_a2" } })).body.outcome,
    ).toBe("left");
    await deliver({ event: "participant_joined", room, participant: { identity: lk(session, a), sid: "PA_a3" } });
    h.clock.advance(DEPARTURE_GRACE_MS + 1);
    expect(await settleDepartures(h.deps)).toBe(0);
    expect(await statusOf(a)).toBe("in_session");

    // Really gone: the current sid leaves and nobody comes back.
    await deliver({ event: "participant_connection_aborted", room, participant: { identity: lk(session, b), sid: "PA_b1" } });
    expect(await settleDepartures(h.deps)).toBe(0); // still within the grace
    h.clock.advance(DEPARTURE_GRACE_MS + 1);
    expect(await settleDepartures(h.deps)).toBe(1);
    expect(await statusOf(a)).toBe("idle");
    expect(await findSessionRecord(h.deps.db, session.id)).toMatchObject({ endReason: "disconnect", endedBy: b.id });
    await expect.poll(() => h.livekit.rooms.has(room)).toBe(false); // deleted off the request path
  });

  it("applies LiveKit's retry of a delivery that failed mid-way, and a concurrent duplicate only once", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const session = await pair(a, b);
    const join = {
      event: "participant_joined",
      room: session.roomName,
      participant: { identity: lk(session, a), sid: "PA_r1" },
      id: "EV_retry",
    } as const;
    const kv = h.deps.kv;
    const hset = kv.hset;
    kv.hset = async () => {
      throw new Error("Connection is closed.");
    };
    try {
      expect((await deliver(join)).status).toBeGreaterThanOrEqual(500); // LiveKit retries a 5xx
    } finally {
      kv.hset = hset;
    }
    expect((await deliver(join)).body.outcome).toBe("joined"); // the retry is applied
    expect((await deliver(join)).body.outcome).toBe("duplicate");

    // Two deliveries of one event at once: one applies it, the other is told to come back (5xx).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    kv.hset = async (...args) => {
      await gate;
      return hset(...args);
    };
    const joinB = { ...join, participant: { identity: lk(session, b), sid: "PB_r1" }, id: "EV_concurrent" } as const;
    try {
      const first = deliver(joinB);
      await expect.poll(() => h.deps.kv.get("lk:event:EV_concurrent")).not.toBeNull();
      const second = await deliver(joinB);
      expect(second.status).toBe(503);
      release();
      expect((await first).body.outcome).toBe("activated");
    } finally {
      kv.hset = hset;
    }
    expect((await deliver(joinB)).body.outcome).toBe("duplicate");
    await endRoute.POST(apiRequest(a, "/api/matching/end", { method: "POST", body: {} }));
  });

  it("room_finished ends a live session once; webhooks for foreign rooms are ignored", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const session = await pair(a, b);
    expect((await deliver({ event: "room_finished", room: session.roomName })).body.outcome).toBe("ended");
    expect((await deliver({ event: "room_finished", room: session.roomName })).body.outcome).toBe("ignored");
    expect((await findSessionRecord(h.deps.db, session.id))?.endReason).toBe("disconnect");
    expect((await deliver({ event: "participant_joined", room: "lobby", participant: { identity: a.id } })).body.outcome).toBe(
      "ignored",
    );
  });
});

describe("cleanup cron", () => {
  const cron = (auth?: string) =>
    cleanupRoute.POST(
      new Request("http://localhost:3000/api/cron/cleanup", { method: "POST", headers: auth ? { authorization: auth } : {} }),
    );

  it("needs the bearer secret", async () => {
    expect((await cron()).status).toBe(401);
    expect((await cron("Bearer wrong")).status).toBe(401);
    const get = await cleanupRoute.GET(
      new Request("http://localhost:3000/api/cron/cleanup", { headers: { authorization: "Bearer test-cron-secret" } }),
    );
    expect(get.status).toBe(200);
  });

  it("deletes orphan rooms, ends sessions whose room is gone or whose users vanished, closes unrecorded ends", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const gone = await pair(a, b);
    h.livekit.rooms.delete(gone.roomName); // the room vanished behind our back
    const c = await h.newUser();
    const d = await h.newUser();
    await pair(c, d);
    // c and d keep their presence; a and b too (the session only loses its room).
    await h.deps.rooms.createSessionRoom("orphan1"); // a room nobody owns
    const lost = await h.newUser();
    const lost2 = await h.newUser();
    await recordSessionStart(h.deps.db, {
      id: "lostrec1",
      userA: lost.id,
      userB: lost2.id,
      roomName: "mm_lostrec1",
      mood: "chill",
      commonInterests: [],
      score: 0,
      createdAt: h.clock.now,
    });

    h.clock.advance(61_000); // past the room grace; presence (60 s) ran out for everyone
    const res = await cron("Bearer test-cron-secret");
    expect(res.status).toBe(200);
    const counts = await res.json();
    expect(counts).toMatchObject({ ran: true, orphanRooms: 1, unrecordedEnds: 1, livekitReachable: true });
    expect(counts.staleSessions + counts.goneRooms).toBe(2);
    expect(h.livekit.rooms.has("mm_orphan1")).toBe(false);
    expect((await findSessionRecord(h.deps.db, gone.id))?.endedAt).toBeInstanceOf(Date);
    expect((await findSessionRecord(h.deps.db, "lostrec1"))?.endReason).toBe("timeout");
    for (const u of [a, b, c, d]) expect(await statusOf(u)).toBe("idle");
  });

  it("runs once when called concurrently", async () => {
    const results = await Promise.all([
      cron("Bearer test-cron-secret"),
      cron("Bearer test-cron-secret"),
      cron("Bearer test-cron-secret"),
    ]);
    const bodies = await Promise.all(results.map((r) => r.json()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(bodies.filter((b) => b.ran).length).toBe(1);
  });
});

describe("the announcement outbox", () => {
  it("announces a match and an end that an instance decided but never announced (crash in between)", async () => {
    const { announcePending } = await import("@/server/sessions/announce");
    const a = await h.newUser("Crash A");
    const b = await h.newUser("Crash B");
    // The store decides, then the instance "dies": nothing is recorded, created or published.
    await h.deps.store.enqueue(
      a.id,
      { mood: "chill", interests: [], mode: "any" },
      { nickname: "Crash A", avatar: null },
      h.clock.now,
    );
    const out = await h.deps.store.enqueue(
      b.id,
      { mood: "chill", interests: [], mode: "any" },
      { nickname: "Crash B", avatar: null },
      h.clock.now,
    );
    if (out.kind !== "matched") throw new Error("expected a match");
    const id = out.session.id;
    expect(await findSessionRecord(h.deps.db, id)).toBeUndefined();

    expect(await announcePending(h.deps)).toEqual({ starts: 0, ends: 0 }); // still within the grace
    h.clock.advance(6_000);
    expect(await announcePending(h.deps)).toEqual({ starts: 1, ends: 0 });
    expect(await findSessionRecord(h.deps.db, id)).toMatchObject({ endedAt: null });
    expect(h.livekit.rooms.has(out.session.roomName)).toBe(true);
    const events = await h.deps.bus.replay(a.id, 0);
    expect(events.some((e) => e.name === "matched" && e.data.session.id === id)).toBe(true);
    expect(await announcePending(h.deps)).toEqual({ starts: 0, ends: 0 }); // announced once

    await h.deps.store.endSession(id, "end", b.id, h.clock.now);
    h.clock.advance(6_000);
    expect(await announcePending(h.deps)).toEqual({ starts: 0, ends: 1 });
    expect(await findSessionRecord(h.deps.db, id)).toMatchObject({ endReason: "end", endedBy: b.id });
    expect((await h.deps.bus.replay(a.id, 0)).some((e) => e.name === "partner_left" && e.data.sessionId === id)).toBe(true);
    await expect.poll(() => h.livekit.rooms.has(out.session.roomName)).toBe(false); // deleted off the request path
  });

  it("records both start and end of a session that ended before anyone announced it", async () => {
    const { announcePending } = await import("@/server/sessions/announce");
    const a = await h.newUser();
    const b = await h.newUser();
    await h.deps.store.enqueue(a.id, { mood: "chill", interests: [], mode: "any" }, { nickname: "A", avatar: null }, h.clock.now);
    const out = await h.deps.store.enqueue(
      b.id,
      { mood: "chill", interests: [], mode: "any" },
      { nickname: "B", avatar: null },
      h.clock.now,
    );
    if (out.kind !== "matched") throw new Error("expected a match");
    await h.deps.store.endSession(out.session.id, "skip", a.id, h.clock.now + 1);
    h.clock.advance(6_000);
    expect(await announcePending(h.deps)).toEqual({ starts: 1, ends: 1 });
    expect(await findSessionRecord(h.deps.db, out.session.id)).toMatchObject({ endReason: "skip", endedBy: a.id });
    // Nobody was sent into the finished call.
    expect((await h.deps.bus.replay(a.id, 0)).some((e) => e.name === "matched")).toBe(false);
  });
});

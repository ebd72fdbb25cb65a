import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as blocksRoute from "@/app/api/blocks/route";
import * as callRoute from "@/app/api/friends/[id]/call/route";
import * as acceptRoute from "@/app/api/friends/invites/[id]/accept/route";
import * as declineRoute from "@/app/api/friends/invites/[id]/decline/route";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as reportsRoute from "@/app/api/reports/route";
import { befriendIfMutual, findFriendship } from "@/server/db/friends";
import { insertReflection } from "@/server/db/reflections";
import { stateSnapshot } from "@/server/sessions/lifecycle";
import { matchSessions } from "@/server/db/schema";
import { postAs } from "@test/support/calls";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

/** Calling a friend on real Postgres and Redis: invites, ringing, accept → a session through the same lifecycle. */
const RING_MS = 1_500;
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  h.deps.friendCallRingMs = RING_MS;
});
afterAll(async () => {
  await h?.close();
});

const body = async (res: Response) => ({ status: res.status, body: await res.json() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const call = (user: TestUser, friendshipId: string) =>
  callRoute.POST(postAs(user, `/api/friends/${friendshipId}/call`), { params: Promise.resolve({ id: friendshipId }) }).then(body);
const accept = (user: TestUser, inviteId: string) =>
  acceptRoute
    .POST(postAs(user, `/api/friends/invites/${inviteId}/accept`), { params: Promise.resolve({ id: inviteId }) })
    .then(body);
const decline = (user: TestUser, inviteId: string) =>
  declineRoute
    .POST(postAs(user, `/api/friends/invites/${inviteId}/decline`), { params: Promise.resolve({ id: inviteId }) })
    .then(body);
const eventsOf = async (user: TestUser, name: string) =>
  (await h.deps.bus.replay(user.id, 0)).filter((e) => e.name === name).map((e) => e.data as Record<string, unknown>);
const online = (...users: TestUser[]) => Promise.all(users.map((u) => h.deps.store.touch(u.id, h.deps.now())));

/** Two users who are friends (both said "again" after an ended call), both online; returns the friendship id. */
async function friends(): Promise<{ a: TestUser; b: TestUser; friendshipId: string }> {
  const [a, b] = [await h.newUser("Ada"), await h.newUser("Bo")];
  const sessionId = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  const at = new Date(h.deps.now() - 60_000);
  await h.deps.db.insert(matchSessions).values({
    id: sessionId,
    userA: a.id,
    userB: b.id,
    roomName: `mm_${sessionId}`,
    mood: "chill",
    createdAt: at,
    activeAt: at,
    endedAt: new Date(h.deps.now()),
    endReason: "end",
  });
  for (const [rater, rated] of [
    [a, b],
    [b, a],
  ] as const) {
    await insertReflection(h.deps.db, { sessionId, rater: rater.id, rated: rated.id, vibe: 5, outcome: "again", tags: [] });
  }
  expect(await befriendIfMutual(h.deps.db, { sessionId, a: a.id, b: b.id })).toBe(true);
  const friendship = (await findFriendship(h.deps.db, a.id, b.id))!;
  await online(a, b);
  return { a, b, friendshipId: friendship.id };
}

describe("calling a friend", () => {
  it("rings the friend, and accepting starts a friend session both are told about, recorded with its kind", async () => {
    const { a, b, friendshipId } = await friends();
    const ring = await call(a, friendshipId);
    expect(ring.status).toBe(201);
    expect(ring.body).toMatchObject({ status: "ringing", invite: { friendshipId, from: { nickname: "Ada" } } });
    const inviteId = ring.body.invite.id as string;
    expect(await eventsOf(b, "invite")).toEqual([
      expect.objectContaining({ id: inviteId, from: expect.objectContaining({ nickname: "Ada" }) }),
    ]);
    expect(JSON.stringify(await eventsOf(b, "invite"))).not.toContain(a.id); // no user id leaves the server
    // the friend was searching: accepting takes them out of the queue
    expect((await enqueueRoute.POST(postAs(b, "/api/matching/enqueue", { mood: "chill" }))).status).toBe(200);
    const accepted = await accept(b, inviteId);
    expect(accepted).toMatchObject({
      status: 200,
      body: {
        status: "in_session",
        session: { kind: "friend", partner: { nickname: "Ada" } },
        livekit: { token: expect.any(String) },
      },
    });
    const sessionId = accepted.body.session.id as string;
    expect(await eventsOf(a, "matched")).toEqual([
      expect.objectContaining({ session: expect.objectContaining({ id: sessionId, kind: "friend" }) }),
    ]);
    expect(await eventsOf(a, "invite_ended")).toEqual([{ inviteId, reason: "accepted" }]);
    const [row] = await h.deps.db.select().from(matchSessions).where(eq(matchSessions.id, sessionId));
    expect(row).toMatchObject({ kind: "friend", userA: a.id, userB: b.id, endedAt: null });
    expect(h.livekit.rooms.has(`mm_${sessionId}`)).toBe(true); // the room, as for a match
    // it lives like a match: Stop ends it for both, recorded once
    expect((await endRoute.POST(postAs(a, "/api/matching/end"))).status).toBe(200);
    expect(await eventsOf(b, "partner_left")).toEqual([{ sessionId, reason: "end" }]);
    const [ended] = await h.deps.db.select().from(matchSessions).where(eq(matchSessions.id, sessionId));
    expect(ended).toMatchObject({ kind: "friend", endReason: "end" });
    // accepting again: the call is over
    expect(await accept(b, inviteId)).toMatchObject({
      status: 409,
      body: { error: { code: "CONFLICT", details: { reason: "invite_ended" } } },
    });
  });

  it("a declined call tells the caller; only the invited friend may accept, and nobody else sees the invite", async () => {
    const { a, b, friendshipId } = await friends();
    const stranger = await h.newUser("Eve");
    const inviteId = (await call(a, friendshipId)).body.invite.id as string;
    // a page that (re)connects while it rings gets the call in its `state` snapshot, the caller's does not
    expect((await stateSnapshot(h.deps, b.id)).invites).toEqual([expect.objectContaining({ id: inviteId, friendshipId })]);
    expect((await stateSnapshot(h.deps, a.id)).invites).toEqual([]);
    expect((await stateSnapshot(h.deps, stranger.id)).invites).toEqual([]);
    expect((await accept(a, inviteId)).status).toBe(404); // the caller cannot accept their own call
    expect((await accept(stranger, inviteId)).status).toBe(404);
    expect((await decline(stranger, inviteId)).status).toBe(404);
    expect(await decline(b, inviteId)).toEqual({ status: 200, body: { ended: true } });
    expect(await eventsOf(a, "invite_ended")).toEqual([{ inviteId, reason: "declined" }]);
    expect((await decline(b, inviteId)).status).toBe(409);
    expect((await stateSnapshot(h.deps, b.id)).invites).toEqual([]);
    // a stranger cannot call someone else's friend
    expect((await call(stranger, friendshipId)).status).toBe(404);
  });

  it("one pending invite per pair; two friends calling each other at once are connected", async () => {
    const { a, b, friendshipId } = await friends();
    const first = await call(a, friendshipId);
    expect((await call(a, friendshipId)).body).toMatchObject({
      error: { code: "CONFLICT", details: { reason: "invite_pending" } },
    });
    // b calls back while a's call rings: that answers it
    const back = await call(b, friendshipId);
    expect(back).toMatchObject({ status: 200, body: { status: "in_session", session: { kind: "friend" } } });
    expect(await eventsOf(a, "invite_ended")).toEqual([{ inviteId: first.body.invite.id, reason: "accepted" }]);
    await endRoute.POST(postAs(a, "/api/matching/end"));

    // both at the same moment: exactly one session, whoever wins
    const { a: c, b: d, friendshipId: cd } = await friends();
    const results = await Promise.all([call(c, cd), call(d, cd)]);
    const sessions = results.filter((r) => r.body.status === "in_session");
    const ringing = results.filter((r) => r.body.status === "ringing");
    expect(sessions, JSON.stringify(results)).toHaveLength(1);
    expect(ringing).toHaveLength(1);
    expect((await h.deps.store.getState(c.id, h.deps.now())).status).toBe("in_session");
  });

  it("rings out after the ring time; accepting after that is refused, and the caller is told", async () => {
    const { a, b, friendshipId } = await friends();
    const inviteId = (await call(a, friendshipId)).body.invite.id as string;
    await sleep(RING_MS + 500);
    expect(await eventsOf(a, "invite_ended")).toEqual([{ inviteId, reason: "timeout" }]);
    expect(await eventsOf(b, "invite_ended")).toEqual([{ inviteId, reason: "timeout" }]);
    expect(await accept(b, inviteId)).toMatchObject({ status: 409, body: { error: { details: { reason: "invite_ended" } } } });
    expect((await h.deps.store.getState(b.id, h.deps.now())).status).toBe("idle");
    // an answer after the ring time is refused even before the ring-out ran (its instance may be gone)
    const late = (await call(a, friendshipId)).body.invite.id as string;
    h.clock.advance(RING_MS);
    expect(await accept(b, late)).toMatchObject({ status: 409, body: { error: { details: { reason: "invite_ended" } } } });
    expect(await eventsOf(a, "invite_ended")).toContainEqual({ inviteId: late, reason: "timeout" });
  });

  it("accept while the friend got matched by the queue: 409, both told it is busy, nobody in two calls", async () => {
    const { a, b, friendshipId } = await friends();
    const inviteId = (await call(a, friendshipId)).body.invite.id as string;
    // b is matched with a stranger before answering; the caller tries to start searching too
    const stranger = await h.newUser("Stranger");
    await enqueueRoute.POST(postAs(stranger, "/api/matching/enqueue", { mood: "chill" }));
    expect((await (await enqueueRoute.POST(postAs(b, "/api/matching/enqueue", { mood: "chill" }))).json()).status).toBe(
      "in_session",
    );
    expect(await accept(b, inviteId)).toMatchObject({ status: 409, body: { error: { code: "ALREADY_IN_SESSION" } } });
    expect(await eventsOf(a, "invite_ended")).toEqual([{ inviteId, reason: "busy" }]);
    expect((await h.deps.store.getState(a.id, h.deps.now())).status).toBe("idle");
    // and a new call to a friend in a call is refused up front
    expect((await call(a, friendshipId)).body).toMatchObject({ error: { details: { reason: "friend_busy" } } });
  });

  it("refuses a caller in the queue, and an offline friend", async () => {
    const { a, b, friendshipId } = await friends();
    await enqueueRoute.POST(postAs(a, "/api/matching/enqueue", { mood: "chill" }));
    expect((await call(a, friendshipId)).body).toMatchObject({ error: { code: "CONFLICT", details: { reason: "in_queue" } } });
    await endRoute.POST(postAs(a, "/api/matching/end"));
    h.clock.advance(h.deps.presenceTimeoutMs + 1_000); // b has not been seen since
    await online(a);
    expect((await call(a, friendshipId)).body).toMatchObject({
      error: { code: "CONFLICT", details: { reason: "friend_offline" } },
    });
    await online(b);
    expect((await call(a, friendshipId)).status).toBe(201);
    // placing calls is rate-limited per caller (limits are off in this harness: see the limits suite)
  });

  it("a block during a friend call ends the friendship, and a call cannot be placed again", async () => {
    const { a, b, friendshipId } = await friends();
    const inviteId = (await call(a, friendshipId)).body.invite.id as string;
    const accepted = await accept(b, inviteId);
    const sessionId = accepted.body.session.id as string;
    expect((await blocksRoute.POST(postAs(b, "/api/blocks", { sessionId }))).status).toBeLessThan(300);
    await online(a, b);
    expect((await call(a, friendshipId)).status).toBe(404);
    expect((await call(b, friendshipId)).status).toBe(404);
  });

  it("a report of their last call ends a ringing invite between them, for both", async () => {
    const { a, b, friendshipId } = await friends();
    const first = await accept(b, (await call(a, friendshipId)).body.invite.id as string);
    const sessionId = first.body.session.id as string;
    expect((await endRoute.POST(postAs(a, "/api/matching/end"))).status).toBe(200);
    await online(a, b);
    const inviteId = (await call(a, friendshipId)).body.invite.id as string;
    expect((await reportsRoute.POST(postAs(b, "/api/reports", { sessionId, reason: "harassment" }))).status).toBe(201);
    expect(await eventsOf(a, "invite_ended")).toContainEqual({ inviteId, reason: "ended" });
    expect(await eventsOf(b, "invite_ended")).toContainEqual({ inviteId, reason: "ended" });
    expect((await accept(b, inviteId)).status).toBe(409);
  });

  it("bad invite and friend ids are 400 with the error shape; a cross-site call is refused", async () => {
    const a = await h.newUser("Ada");
    expect(await call(a, "not a friend id!")).toMatchObject({ status: 400, body: { error: { code: "INVALID_INPUT" } } });
    expect(await accept(a, "x")).toMatchObject({ status: 400, body: { error: { code: "INVALID_INPUT" } } });
    const crossSite = await callRoute.POST(
      apiRequest(a, "/api/friends/abc/call", { method: "POST", headers: { origin: "https://evil.example" } }),
      { params: Promise.resolve({ id: "abc" }) },
    );
    expect(crossSite.status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as blocksRoute from "@/app/api/blocks/route";
import * as friendRoute from "@/app/api/friends/[id]/route";
import * as friendsRoute from "@/app/api/friends/route";
import * as reflectionsRoute from "@/app/api/reflections/route";
import * as reportsRoute from "@/app/api/reports/route";
import { REFLECTION_MIN_CALL_MS } from "@/lib/reflections";
import { callBetween, postAs } from "@test/support/calls";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const body = async (res: Response) => ({ status: res.status, body: await res.json() });
const call = (a: TestUser, b: TestUser) => callBetween(h, a, b, { lastedMs: REFLECTION_MIN_CALL_MS });

const reflect = (user: TestUser, sessionId: string, outcome: string) =>
  reflectionsRoute.POST(postAs(user, "/api/reflections", { sessionId, vibe: 4, outcome })).then(body);
const friendsOf = (user: TestUser) => friendsRoute.GET(apiRequest(user, "/api/friends")).then(body);
const unfriend = (user: TestUser, id: string, headers: Record<string, string> = {}) =>
  friendRoute
    .DELETE(apiRequest(user, `/api/friends/${id}`, { method: "DELETE", headers }), { params: Promise.resolve({ id }) })
    .then(body);

async function twoStrangers() {
  return [await h.newUser("Ada"), await h.newUser("Bo")] as const;
}

describe("friends on real Postgres and Redis", () => {
  it("both saying again makes them friends; the list shows nickname and online, never a user id", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    expect((await reflect(a, sessionId, "again")).body).toMatchObject({ friends: false });
    expect((await friendsOf(a)).body).toEqual({ friends: [] });
    const second = await reflect(b, sessionId, "again");
    expect(second.status).toBe(201);
    expect(second.body.friends).toBe(true);

    const list = await friendsOf(a);
    expect(list.status).toBe(200);
    expect(list.body.friends).toHaveLength(1);
    const [friend] = list.body.friends;
    expect(friend).toMatchObject({ nickname: "Bo", online: true, id: expect.any(String), since: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(b.id);
    expect((await friendsOf(b)).body.friends[0]).toMatchObject({ nickname: "Ada", id: friend.id });
  });

  it("again and maybe (or pass) make no friendship", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    await reflect(a, sessionId, "again");
    expect((await reflect(b, sessionId, "maybe")).body.friends).toBe(false);
    expect((await friendsOf(a)).body.friends).toEqual([]);
    expect((await friendsOf(b)).body.friends).toEqual([]);
  });

  it("both at once: exactly one friendship, and both are told", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    const [ra, rb] = await Promise.all([reflect(a, sessionId, "again"), reflect(b, sessionId, "again")]);
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(ra.body.friends || rb.body.friends).toBe(true);
    expect((await friendsOf(a)).body.friends).toHaveLength(1);
  });

  it("online follows presence: someone gone quiet for the presence timeout is shown offline", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    await reflect(a, sessionId, "again");
    await reflect(b, sessionId, "again");
    h.clock.advance(h.deps.presenceTimeoutMs + 1_000);
    await h.deps.store.touch(a.id, h.deps.now());
    expect((await friendsOf(a)).body.friends[0]).toMatchObject({ nickname: "Bo", online: false });
    expect((await friendsOf(b)).body.friends[0]).toMatchObject({ nickname: "Ada", online: true });
  });

  it("a report ends the friendship, and a reported pair saying again later is not befriended", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    await reflect(a, sessionId, "again");
    await reflect(b, sessionId, "again");
    expect((await reportsRoute.POST(postAs(b, "/api/reports", { sessionId, reason: "spam" }))).status).toBe(201);
    expect((await friendsOf(a)).body.friends).toEqual([]);
    expect((await friendsOf(b)).body.friends).toEqual([]);
  });

  it("a block before both said again keeps them apart", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    await reflect(a, sessionId, "again");
    expect((await blocksRoute.POST(postAs(a, "/api/blocks", { sessionId }))).status).toBe(201);
    expect((await reflect(b, sessionId, "again")).body.friends).toBe(false);
    expect((await friendsOf(b)).body.friends).toEqual([]);
  });

  it("either may unfriend; nobody else can, a cross-site DELETE is refused, a second is 404", async () => {
    const [a, b] = await twoStrangers();
    const sessionId = await call(a, b);
    await reflect(a, sessionId, "again");
    await reflect(b, sessionId, "again");
    const id = (await friendsOf(a)).body.friends[0].id as string;

    const stranger = await h.newUser("Cy");
    expect((await unfriend(stranger, id)).status).toBe(404);
    expect((await unfriend(a, id, { origin: "https://evil.example" })).status).toBe(403);
    expect((await unfriend(a, "not a friend id!")).body.error.code).toBe("INVALID_INPUT");
    expect((await friendsOf(b)).body.friends).toHaveLength(1);

    const removed = await unfriend(b, id);
    expect(removed).toEqual({ status: 200, body: { removed: true } });
    expect((await friendsOf(a)).body.friends).toEqual([]);
    expect((await unfriend(a, id)).status).toBe(404);
  });

  it("the list needs a session", async () => {
    expect((await friendsRoute.GET(apiRequest(null, "/api/friends"))).status).toBe(401);
  });
});

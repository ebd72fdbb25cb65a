/**
 * The real livekit-server-sdk RoomServiceClient against the double: proves the double speaks
 * the same Twirp dialect (paths, JSON, auth, grants, error shapes) the SDK expects.
 */
import { AccessToken, RoomServiceClient, ServerError, type VideoGrant } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLivekitDouble, type LivekitDouble } from "@test/support/livekit-double";

const credentials = { apiKey: "APIrooms", apiSecret: "rooms-secret-rooms-secret-rooms-secret" };
let double: LivekitDouble;
let client: RoomServiceClient;

beforeAll(async () => {
  double = await startLivekitDouble(credentials);
  client = new RoomServiceClient(double.url, credentials.apiKey, credentials.apiSecret);
});
afterAll(() => double.close());
beforeEach(() => double.reset());

async function rejection(promise: Promise<unknown>): Promise<ServerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServerError);
  return error as ServerError;
}

/** A client that sends one fixed pre-signed token, to test grants the SDK would not mint itself. */
async function clientWith(grant: VideoGrant, secret = credentials.apiSecret, key = credentials.apiKey) {
  const token = new AccessToken(key, secret, { ttl: "5m", identity: "test-caller" });
  token.addGrant(grant);
  return new RoomServiceClient(double.url, undefined, undefined, { token: await token.toJwt() });
}

describe("RoomService double with the real SDK", () => {
  it("creates a room with the requested settings", async () => {
    const room = await client.createRoom({
      name: "mm_a",
      maxParticipants: 2,
      emptyTimeout: 60,
      departureTimeout: 15,
      metadata: '{"sessionId":"a"}',
    });
    expect(room).toMatchObject({
      name: "mm_a",
      maxParticipants: 2,
      emptyTimeout: 60,
      departureTimeout: 15,
      metadata: '{"sessionId":"a"}',
    });
    expect(room.sid).toMatch(/^RM_/);
    expect(typeof room.creationTime).toBe("bigint");
    expect(room.creationTime).toBeGreaterThan(0n);
    expect(double.rooms.get("mm_a")?.maxParticipants).toBe(2);
    expect(double.calls.at(-1)).toMatchObject({ method: "CreateRoom", room: "mm_a", status: 200 });
  });

  it("treats a 0 timeout as the server default", async () => {
    const room = await client.createRoom({ name: "defaults" });
    expect(room.emptyTimeout).toBe(300);
    expect(room.departureTimeout).toBe(20);
  });

  it("CreateRoom is idempotent: same sid, settings updated", async () => {
    const first = await client.createRoom({ name: "mm_b", emptyTimeout: 60 });
    const second = await client.createRoom({ name: "mm_b", emptyTimeout: 90, metadata: "m2" });
    expect(second.sid).toBe(first.sid);
    expect(second.emptyTimeout).toBe(90);
    expect(second.metadata).toBe("m2");
    expect(double.rooms.size).toBe(1);
  });

  it("lists rooms, optionally by name, with participant counts", async () => {
    await client.createRoom({ name: "mm_1" });
    await client.createRoom({ name: "mm_2" });
    double.addParticipant("mm_2", "u1");
    const all = await client.listRooms();
    expect(all.map((r) => r.name).sort()).toEqual(["mm_1", "mm_2"]);
    expect(all.find((r) => r.name === "mm_2")?.numParticipants).toBe(1);
    expect((await client.listRooms(["mm_1"])).map((r) => r.name)).toEqual(["mm_1"]);
  });

  it("deletes a room; deleting a missing room is not_found 404", async () => {
    await client.createRoom({ name: "mm_del" });
    await client.deleteRoom("mm_del");
    expect(double.rooms.has("mm_del")).toBe(false);
    const error = await rejection(client.deleteRoom("mm_del"));
    expect(error.status).toBe(404);
    expect(error.code).toBe("not_found");
  });

  it("lists and removes participants; removing a missing identity is not_found", async () => {
    await client.createRoom({ name: "mm_p" });
    const joined = double.addParticipant("mm_p", "user-1", { name: "Nick" });
    const participants = await client.listParticipants("mm_p");
    expect(participants).toHaveLength(1);
    expect(participants[0]).toMatchObject({ identity: "user-1", sid: joined.sid, name: "Nick" });
    expect(typeof participants[0].joinedAt).toBe("bigint");

    await client.removeParticipant("mm_p", "user-1");
    expect(await client.listParticipants("mm_p")).toEqual([]);
    const error = await rejection(client.removeParticipant("mm_p", "user-1"));
    expect([error.status, error.code]).toEqual([404, "not_found"]);
  });

  it("updates room metadata", async () => {
    await client.createRoom({ name: "mm_meta" });
    const room = await client.updateRoomMetadata("mm_meta", "hello");
    expect(room.metadata).toBe("hello");
    expect(double.rooms.get("mm_meta")?.metadata).toBe("hello");
  });

  it("answers malformed input with invalid_argument 400", async () => {
    const error = await rejection(client.createRoom({ name: "" }));
    expect([error.status, error.code]).toEqual([400, "invalid_argument"]);

    const token = new AccessToken(credentials.apiKey, credentials.apiSecret);
    token.addGrant({ roomCreate: true });
    const response = await fetch(`${double.url}/twirp/livekit.RoomService/CreateRoom`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await token.toJwt()}` },
      body: JSON.stringify({ name: "x", maxParticipants: -1 }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ code: "invalid_argument" });
  });

  describe("grant checks (401 unauthenticated, surfaced by the SDK)", () => {
    it("CreateRoom and DeleteRoom need roomCreate", async () => {
      const listOnly = await clientWith({ roomList: true });
      for (const attempt of [listOnly.createRoom({ name: "mm_x" }), listOnly.deleteRoom("mm_x")]) {
        const error = await rejection(attempt);
        expect([error.status, error.code]).toEqual([401, "unauthenticated"]);
        expect(error.message).toMatch(/permissions denied/);
      }
      expect(double.rooms.size).toBe(0);
    });

    it("ListRooms needs roomList", async () => {
      const error = await rejection((await clientWith({ roomCreate: true })).listRooms());
      expect([error.status, error.code]).toEqual([401, "unauthenticated"]);
      await expect((await clientWith({ roomList: true })).listRooms()).resolves.toEqual([]);
    });

    it("participant calls need roomAdmin for that very room", async () => {
      await client.createRoom({ name: "mm_admin" });
      double.addParticipant("mm_admin", "u");
      const otherRoom = await clientWith({ roomAdmin: true, room: "mm_other" });
      expect((await rejection(otherRoom.listParticipants("mm_admin"))).status).toBe(401);
      const noRoom = await clientWith({ roomAdmin: true });
      expect((await rejection(noRoom.removeParticipant("mm_admin", "u"))).status).toBe(401);
      const joinToken = await clientWith({ roomJoin: true, room: "mm_admin" });
      expect((await rejection(joinToken.listParticipants("mm_admin"))).status).toBe(401);
      const right = await clientWith({ roomAdmin: true, room: "mm_admin" });
      expect(await right.listParticipants("mm_admin")).toHaveLength(1);
    });

    it("a token signed with the wrong secret or for another key is refused", async () => {
      const wrongSecret = await clientWith({ roomList: true }, "not-the-secret");
      const error = await rejection(wrongSecret.listRooms());
      // Refused by the auth middleware in plain text, as the real server does (so no Twirp code).
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/invalid token/);
      const wrongKey = await clientWith({ roomList: true }, credentials.apiSecret, "APIsomeoneelse");
      expect((await rejection(wrongKey.listRooms())).status).toBe(401);
    });

    it("a request without Authorization is refused", async () => {
      const response = await fetch(`${double.url}/twirp/livekit.RoomService/ListRooms`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({ code: "unauthenticated", msg: expect.any(String) });
    });
  });
});

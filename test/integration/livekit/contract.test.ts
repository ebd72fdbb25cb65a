/**
 * One contract, two servers: every case here runs against the real LiveKit server
 * (scripts/livekit.sh, loopback, auto_create off) and against our RoomService double, so the
 * double (kept for the faults the real server cannot be made to show) behaves like the real one
 * wherever the two overlap: src/server/livekit's rooms, RoomService auth answers, the validate
 * probe, and signed room webhooks. Real-only behaviour (tokens the server accepts) is at the end.
 */
import { AccessToken, RoomServiceClient, ServerError } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLivekitRooms, SESSION_ROOM_SETTINGS, type LivekitRooms } from "@/server/livekit/rooms";
import { mintJoinToken } from "@/server/livekit/tokens";
import { startLivekitDouble } from "@test/support/livekit-double";
import { startLivekitServer } from "@test/support/livekit-server";
import { startWebhookReceiver, type WebhookReceiver } from "@test/support/webhook-receiver";

const credentials = { apiKey: "APIcontract", apiSecret: "contract-secret-contract-secret-0123456789" };

interface Target {
  name: string;
  start(webhookUrl: string): Promise<{ url: string; stop(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: "the real server",
    start: (webhookUrl) => startLivekitServer({ port: 17980, tcpPort: 17981, rtcPort: 17982, ...credentials, webhookUrl }),
  },
  {
    name: "the double",
    start: async (webhookUrl) => {
      const double = await startLivekitDouble({ ...credentials, webhookUrl });
      return { url: double.url, stop: () => double.close() };
    },
  },
];

async function rejection(promise: Promise<unknown>): Promise<ServerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServerError);
  return error as ServerError;
}

const tokenFor = (roomName: string, apiSecret = credentials.apiSecret) =>
  mintJoinToken({ apiKey: credentials.apiKey, apiSecret }, { roomName, identity: "user-1", name: "Ana" });

describe.each(TARGETS)("LiveKit contract: $name", (target) => {
  let server: { url: string; stop(): Promise<void> };
  let webhooks: WebhookReceiver;
  let rooms: LivekitRooms;
  let admin: RoomServiceClient;
  let prefix: string;
  const twirp = (method: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/twirp/livekit.RoomService/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: "{}",
    });
  const validate = (token: string, version: "" | "/v1" = "") =>
    fetch(`${server.url}/rtc${version}/validate?access_token=${encodeURIComponent(token)}`);

  beforeAll(async () => {
    webhooks = await startWebhookReceiver(credentials);
    server = await target.start(webhooks.url);
    rooms = createLivekitRooms({ apiUrl: server.url, ...credentials });
    admin = new RoomServiceClient(server.url, credentials.apiKey, credentials.apiSecret);
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    await webhooks?.close();
  });
  beforeEach(() => {
    prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  });

  describe("rooms", () => {
    it("CreateRoom makes mm_<sessionId> with the session settings and metadata, and LiveKit signs a room_started naming the session", async () => {
      const info = await rooms.createSessionRoom(`${prefix}a`);
      expect(info).toMatchObject({ name: `mm_${prefix}a`, numParticipants: 0 });
      expect(info.sid).toMatch(/^RM_/);
      expect(Math.abs(info.creationTime - Date.now())).toBeLessThan(10_000);
      const [room] = await admin.listRooms([info.name]);
      expect(room).toMatchObject({
        name: info.name,
        sid: info.sid,
        maxParticipants: SESSION_ROOM_SETTINGS.maxParticipants,
        emptyTimeout: SESSION_ROOM_SETTINGS.emptyTimeout,
        departureTimeout: SESSION_ROOM_SETTINGS.departureTimeout,
      });
      expect(JSON.parse(room!.metadata)).toEqual({ sessionId: `${prefix}a` });

      const started = await webhooks.waitFor((e) => e.event === "room_started" && e.roomName === info.name, "room_started");
      expect(started).toMatchObject({ roomSid: info.sid, sessionId: `${prefix}a` });
      expect(started.id).toMatch(/^EV_/);
      expect(webhooks.rejected).toEqual([]);
    });

    it("CreateRoom of an existing room returns that room (same sid and creation time) and starts nothing new", async () => {
      const first = await rooms.createSessionRoom(`${prefix}b`);
      const second = await rooms.createSessionRoom(`${prefix}b`);
      expect(second).toMatchObject({ sid: first.sid, creationTime: first.creationTime });
      await rooms.deleteRoom(first.name);
      // Deliveries of one room arrive in order: by room_finished, any second room_started would have come.
      await webhooks.waitFor((e) => e.event === "room_finished" && e.roomName === first.name, "room_finished");
      expect(webhooks.received.filter((e) => e.event === "room_started" && e.roomName === first.name)).toHaveLength(1);
    });

    it("DeleteRoom removes the room and signs a room_finished; a missing room is 404 not_found, which counts as deleted", async () => {
      const info = await rooms.createSessionRoom(`${prefix}c`);
      await expect(rooms.deleteRoom(info.name)).resolves.toBe(true);
      expect(await admin.listRooms([info.name])).toEqual([]);
      const finished = await webhooks.waitFor((e) => e.event === "room_finished" && e.roomName === info.name, "room_finished");
      expect(finished.sessionId).toBe(`${prefix}c`);

      const missing = await rejection(admin.deleteRoom(`mm_${prefix}never`));
      expect([missing.status, missing.code]).toEqual([404, "not_found"]);
      await expect(rooms.deleteRoom(info.name)).resolves.toBe(true);
      await expect(rooms.deleteRoom(`mm_${prefix}never`)).resolves.toBe(true);
    });

    it("ListRooms gives the cleanup cron only session rooms", async () => {
      await rooms.createSessionRoom(`${prefix}d`);
      await admin.createRoom({ name: `lobby-${prefix}` });
      const listed = (await rooms.listSessionRooms()).map((r) => r.name);
      expect(listed).toContain(`mm_${prefix}d`);
      expect(listed.every((name) => name.startsWith("mm_"))).toBe(true);
      expect((await admin.listRooms()).map((r) => r.name)).toContain(`lobby-${prefix}`);
    });
  });

  describe("RoomService auth", () => {
    it("wrong credentials are a LivekitUnavailableError with status 401", async () => {
      const wrong = createLivekitRooms({ apiUrl: server.url, apiKey: credentials.apiKey, apiSecret: "x".repeat(40) });
      await expect(wrong.createSessionRoom(`${prefix}e`)).rejects.toMatchObject({ name: "LivekitUnavailableError", status: 401 });
      await expect(wrong.deleteRoom(`mm_${prefix}e`)).rejects.toMatchObject({ name: "LivekitUnavailableError", status: 401 });
    });

    it("no Authorization header: a Twirp 401 unauthenticated (no grants, permissions denied)", async () => {
      const response = await twirp("ListRooms");
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({ code: "unauthenticated", msg: expect.stringMatching(/^permissions denied/) });
    });

    it("a malformed or badly signed bearer: a plain-text 401 before any Twirp handling", async () => {
      const bad = new AccessToken(credentials.apiKey, "y".repeat(40), { identity: "caller", ttl: "5m" });
      bad.addGrant({ roomList: true });
      for (const authorization of ["Basic abc", "Bearer not-a-jwt", `Bearer ${await bad.toJwt()}`]) {
        const response = await twirp("ListRooms", { authorization });
        expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
        expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
        expect(await response.text()).toMatch(/^invalid (authorization header|authorization token|token)/);
      }
    });
  });

  describe("the validate probe livekit-client makes after a failed connect", () => {
    it("v1 needs a join_request: 400 join_request is required", async () => {
      const info = await rooms.createSessionRoom(`${prefix}f`);
      const response = await validate(await tokenFor(info.name), "/v1");
      expect(response.status).toBe(400);
      expect(await response.text()).toBe("join_request is required");
    });

    it("a token for a room that does not exist is 404 (auto_create is off)", async () => {
      const response = await validate(await tokenFor(`mm_${prefix}other`));
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("requested room does not exist");
    });

    it("a token signed with another secret, or without a join grant, is 401", async () => {
      const info = await rooms.createSessionRoom(`${prefix}g`);
      expect((await validate(await tokenFor(info.name, "y".repeat(40)))).status).toBe(401);
      const noJoin = new AccessToken(credentials.apiKey, credentials.apiSecret, { identity: "user-2" });
      noJoin.addGrant({ roomList: true });
      expect((await validate(await noJoin.toJwt())).status).toBe(401);
    });
  });
});

describe("only the real server: it accepts our token for the room it names", () => {
  let server: { url: string; stop(): Promise<void> };
  let webhooks: WebhookReceiver;
  beforeAll(async () => {
    webhooks = await startWebhookReceiver(credentials);
    server = await TARGETS[0]!.start(webhooks.url);
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    await webhooks?.close();
  });

  it("validate answers success (the double answers 503: it carries no media)", async () => {
    const info = await createLivekitRooms({ apiUrl: server.url, ...credentials }).createSessionRoom(
      `real${Date.now().toString(36)}`,
    );
    const response = await fetch(`${server.url}/rtc/validate?access_token=${encodeURIComponent(await tokenFor(info.name))}`);
    expect({ status: response.status, body: await response.text() }).toEqual({ status: 200, body: "success" });
  });
});

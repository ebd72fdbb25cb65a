/**
 * src/server/livekit against the real LiveKit server (scripts/livekit.sh, loopback, auto_create
 * off): room options, idempotent create, delete of a missing room, the cron's listing, join
 * tokens the server accepts or refuses, and the signatures of its real webhook deliveries.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AccessToken, RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLivekitRooms, SESSION_ROOM_SETTINGS, type LivekitRooms } from "@/server/livekit/rooms";
import { mintJoinToken } from "@/server/livekit/tokens";
import { createWebhookVerifier, type LivekitWebhookEvent } from "@/server/livekit/webhooks";
import { startLivekitServer, type LivekitServer } from "@test/support/livekit-server";

const credentials = { apiKey: "APIreal", apiSecret: "real-secret-real-secret-real-secret-0123" };
let server: LivekitServer;
let rooms: LivekitRooms;
let admin: RoomServiceClient;
let endpoint: http.Server;
const received: LivekitWebhookEvent[] = [];
const rejected: string[] = [];
let prefix: string;

beforeAll(async () => {
  const verifier = createWebhookVerifier(credentials);
  endpoint = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      verifier.verify(Buffer.concat(chunks).toString("utf8"), req.headers.authorization ?? null).then(
        (event) => {
          received.push(event);
          res.writeHead(200).end("ok");
        },
        (error: Error) => {
          rejected.push(error.name);
          res.writeHead(401).end(error.message);
        },
      );
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/api/livekit/webhooks`;
  server = await startLivekitServer({ port: 17980, rtcPort: 17982, tcpPort: 17981, ...credentials, webhookUrl });
  rooms = createLivekitRooms({ apiUrl: server.url, ...credentials });
  admin = new RoomServiceClient(server.url, credentials.apiKey, credentials.apiSecret);
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => endpoint?.close(resolve));
});

beforeEach(() => {
  prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
});

async function eventually<T>(read: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("rooms on the real server", () => {
  it("creates mm_<sessionId> with the session settings and metadata", async () => {
    const info = await rooms.createSessionRoom(`${prefix}a`);
    expect(info.name).toBe(`mm_${prefix}a`);
    expect(info.sid).toMatch(/^RM_/);
    expect(info.numParticipants).toBe(0);
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
  });

  it("creating an existing room returns it unchanged (same sid)", async () => {
    const first = await rooms.createSessionRoom(`${prefix}b`);
    const second = await rooms.createSessionRoom(`${prefix}b`);
    expect(second.sid).toBe(first.sid);
  });

  it("deletes a room; a missing room (404 not_found) counts as deleted", async () => {
    const info = await rooms.createSessionRoom(`${prefix}c`);
    await expect(rooms.deleteRoom(info.name)).resolves.toBe(true);
    expect(await admin.listRooms([info.name])).toEqual([]);
    await expect(rooms.deleteRoom(info.name)).resolves.toBe(true);
    await expect(rooms.deleteRoom(`mm_${prefix}never`)).resolves.toBe(true);
  });

  it("lists only session rooms for the cleanup cron", async () => {
    await rooms.createSessionRoom(`${prefix}d`);
    await admin.createRoom({ name: `lobby-${prefix}` });
    const listed = (await rooms.listSessionRooms()).map((r) => r.name);
    expect(listed).toContain(`mm_${prefix}d`);
    expect(listed.every((name) => name.startsWith("mm_"))).toBe(true);
    expect((await admin.listRooms()).map((r) => r.name)).toContain(`lobby-${prefix}`);
  });

  it("wrong credentials are a LivekitUnavailableError with status 401", async () => {
    const wrong = createLivekitRooms({ apiUrl: server.url, apiKey: credentials.apiKey, apiSecret: "x".repeat(40) });
    await expect(wrong.createSessionRoom(`${prefix}e`)).rejects.toMatchObject({ name: "LivekitUnavailableError", status: 401 });
  });
});

describe("join tokens on the real server", () => {
  /** The v0 validate probe (v1 wants a join_request): the server checks the token and the room without media. */
  const validate = (token: string) => fetch(`${server.url}/rtc/validate?access_token=${encodeURIComponent(token)}`);
  const tokenFor = (roomName: string, apiSecret = credentials.apiSecret) =>
    mintJoinToken({ apiKey: credentials.apiKey, apiSecret }, { roomName, identity: "user-1", name: "Ana" });

  it("accepts our token for the room it names", async () => {
    const info = await rooms.createSessionRoom(`${prefix}f`);
    const response = await validate(await tokenFor(info.name));
    expect(response.status).toBe(200);
  });

  it("refuses a token for a room that does not exist (auto_create is off)", async () => {
    await rooms.createSessionRoom(`${prefix}g`);
    const response = await validate(await tokenFor(`mm_${prefix}other`));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("requested room does not exist");
  });

  it("refuses a token signed with another secret", async () => {
    const info = await rooms.createSessionRoom(`${prefix}h`);
    const response = await validate(await tokenFor(info.name, "y".repeat(40)));
    expect(response.status).toBe(401);
  });

  it("a token without a join grant cannot enter", async () => {
    await rooms.createSessionRoom(`${prefix}i`);
    const token = new AccessToken(credentials.apiKey, credentials.apiSecret, { identity: "user-2" });
    token.addGrant({ roomList: true });
    const response = await validate(await token.toJwt());
    expect(response.status).toBe(401);
  });
});

describe("webhooks from the real server", () => {
  it("room_started and room_finished arrive signed, verify with our verifier, and name the session", async () => {
    const info = await rooms.createSessionRoom(`${prefix}j`);
    const started = await eventually(
      () => received.find((e) => e.event === "room_started" && e.roomName === info.name),
      "room_started",
    );
    expect(started).toMatchObject({ roomSid: info.sid, sessionId: `${prefix}j` });
    expect(started.id).toMatch(/^EV_/);

    await rooms.deleteRoom(info.name);
    const finished = await eventually(
      () => received.find((e) => e.event === "room_finished" && e.roomName === info.name),
      "room_finished",
    );
    expect(finished.sessionId).toBe(`${prefix}j`);
    expect(finished.createdAt).toBeGreaterThanOrEqual(started.createdAt);
    expect(rejected).toEqual([]);
  });
});

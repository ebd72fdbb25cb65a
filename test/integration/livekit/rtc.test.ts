/**
 * The browser's signal connection attempts: `<LIVEKIT_URL>/rtc/v1?access_token=…` as a WebSocket
 * upgrade, then livekit-client's `GET …/validate` probe. The double records and refuses them.
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { AccessToken } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLivekitRooms } from "@/server/livekit/rooms";
import { mintJoinToken } from "@/server/livekit/tokens";
import { startLivekitDouble, type LivekitDouble, type RtcAttempt } from "@test/support/livekit-double";

const credentials = { apiKey: "APIrtc", apiSecret: "rtc-secret-rtc-secret-rtc-secret-rtc" };
let double: LivekitDouble;

beforeAll(async () => {
  double = await startLivekitDouble(credentials);
});
afterAll(() => double.close());
beforeEach(() => double.reset());

/** Opens a WebSocket handshake and returns the HTTP answer (a refusal never upgrades). */
function websocketHandshake(url: string): Promise<{ status: number; body: string; upgraded: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url.replace(/^ws/, "http"), {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
      },
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: "", upgraded: true });
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), upgraded: false }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** v1 carries the join request (a base64 protobuf the double does not decode; without one both servers answer 400). */
const JOIN_REQUEST = "join_request=AA";

const joinToken = (roomName: string, apiSecret = credentials.apiSecret) =>
  mintJoinToken({ apiKey: credentials.apiKey, apiSecret }, { roomName, identity: "user-7", name: "Nick" });

describe("rtc attempts", () => {
  it("records a signal connection with a valid token for an existing room, then refuses it", async () => {
    const created = await createLivekitRooms({ apiUrl: double.url, ...credentials }).createSessionRoom("s1");
    const token = await joinToken(created.name);

    const answer = await websocketHandshake(`${double.wsUrl}/rtc/v1?access_token=${token}&${JOIN_REQUEST}`);
    expect(answer.upgraded).toBe(false);
    expect(answer.status).toBe(503);

    expect(double.rtcAttempts).toEqual<RtcAttempt[]>([
      expect.objectContaining({
        kind: "websocket",
        path: "/rtc/v1",
        token,
        identity: "user-7",
        room: "mm_s1",
        name: "Nick",
        tokenValid: true,
        status: 503,
      }),
    ]);
  });

  it("refuses a token signed with another secret with 401, still decoding who it claims to be", async () => {
    const token = await joinToken("mm_s2", "someone-elses-secret");
    const answer = await websocketHandshake(`${double.wsUrl}/rtc?access_token=${token}`);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatch(/invalid token/);
    expect(double.rtcAttempts[0]).toMatchObject({
      kind: "websocket",
      path: "/rtc",
      identity: "user-7",
      room: "mm_s2",
      tokenValid: false,
    });
  });

  it("answers the validate probe: 404 for a room that does not exist (auto_create off)", async () => {
    const token = await joinToken("mm_gone");
    const response = await fetch(`${double.url}/rtc/v1/validate?access_token=${token}&${JOIN_REQUEST}`);
    expect(response.status).toBe(404);
    // livekit-client looks for this exact phrase to report NotAllowed instead of retrying on v0.
    expect(await response.text()).toContain("requested room does not exist");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(double.rtcAttempts[0]).toMatchObject({ kind: "validate", path: "/rtc/v1/validate", tokenValid: true, status: 404 });
  });

  it("refuses tokens without a join grant and requests without a token", async () => {
    const admin = new AccessToken(credentials.apiKey, credentials.apiSecret, { identity: "ops" });
    admin.addGrant({ roomList: true });
    expect((await fetch(`${double.url}/rtc/validate?access_token=${await admin.toJwt()}`)).status).toBe(401);
    expect((await fetch(`${double.url}/rtc/validate`)).status).toBe(401);
    expect(double.rtcAttempts.map((a) => [a.tokenValid, a.error])).toEqual([
      [true, expect.stringMatching(/roomJoin/)],
      [false, "no access_token"],
    ]);
  });

  it("exposes attempts and rooms over HTTP, and resets", async () => {
    const token = await joinToken("mm_http");
    await websocketHandshake(`${double.wsUrl}/rtc/v1?access_token=${token}`);
    await fetch(`${double.url}/rtc/v1/validate?access_token=${token}&${JOIN_REQUEST}`);

    const attempts = (await (await fetch(`${double.url}/_double/rtc-attempts`)).json()) as RtcAttempt[];
    expect(attempts.map((a) => [a.kind, a.path, a.identity, a.room])).toEqual([
      ["websocket", "/rtc/v1", "user-7", "mm_http"],
      ["validate", "/rtc/v1/validate", "user-7", "mm_http"],
    ]);
    expect(await (await fetch(`${double.url}/_double/rooms`)).json()).toEqual([]);

    expect((await fetch(`${double.url}/_double/reset`, { method: "POST" })).status).toBe(200);
    expect(double.rtcAttempts).toEqual([]);
  });

  it("refuses upgrades on other paths with 404 without recording them", async () => {
    const answer = await websocketHandshake(`${double.wsUrl}/elsewhere`);
    expect(answer.status).toBe(404);
    expect(double.rtcAttempts).toEqual([]);
  });
});

/**
 * Webhooks end to end over HTTP: the double signs and POSTs like the real server, a tiny
 * endpoint verifies the raw body with src/server/livekit/webhooks.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLivekitRooms } from "@/server/livekit/rooms";
import type { LivekitWebhookEvent } from "@/server/livekit/webhooks";
import { startLivekitDouble, type LivekitDouble } from "@test/support/livekit-double";
import { makeWebhookEvent, signedWebhookInit } from "@test/support/webhook-signer";
import { startWebhookReceiver, type WebhookReceiver } from "@test/support/webhook-receiver";

const credentials = { apiKey: "APIwh", apiSecret: "wh-secret-wh-secret-wh-secret-wh-secret" };
let double: LivekitDouble;
let endpoint: WebhookReceiver;
let endpointUrl: string;
let received: LivekitWebhookEvent[];
let rejected: string[];

beforeAll(async () => {
  endpoint = await startWebhookReceiver(credentials);
  ({ url: endpointUrl, received, rejected } = endpoint);
  double = await startLivekitDouble(credentials);
});
afterAll(async () => {
  await double.close();
  await endpoint.close();
});
beforeEach(() => {
  double.reset();
  double.setWebhookUrl(undefined);
  endpoint.clear();
});

describe("webhook round trip", () => {
  it("a webhook sent by the double verifies and normalizes", async () => {
    const sent = await double.sendWebhook(endpointUrl, {
      event: "participant_joined",
      room: "mm_sessA",
      participant: { identity: "user-1", sid: "PA_1" },
    });
    expect(sent.status).toBe(200);
    expect(sent.id).toMatch(/^EV_/);
    expect(received).toEqual([
      expect.objectContaining({
        id: sent.id,
        event: "participant_joined",
        sessionId: "sessA",
        participant: expect.objectContaining({ identity: "user-1", sid: "PA_1" }),
      }),
    ]);
  });

  it("a retry re-sends the same id", async () => {
    const first = await double.sendWebhook(endpointUrl, { event: "room_finished", room: "mm_r", id: "EV_retry" });
    const second = await double.sendWebhook(endpointUrl, { event: "room_finished", room: "mm_r", id: "EV_retry" });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(received.map((e) => e.id)).toEqual(["EV_retry", "EV_retry"]);
  });

  it("tampered bodies, wrong secrets and missing headers are refused with 401", async () => {
    const { body } = makeWebhookEvent({ event: "participant_left", room: "mm_t", participant: { identity: "u" } });
    const init = await signedWebhookInit(body, credentials);

    const tampered = await fetch(endpointUrl, { ...init, body: body.replace('"u"', '"v"') });
    expect(tampered.status).toBe(401);
    const wrongSecret = await fetch(endpointUrl, await signedWebhookInit(body, { ...credentials, apiSecret: "other-secret" }));
    expect(wrongSecret.status).toBe(401);
    const noHeader = await fetch(endpointUrl, { method: "POST", headers: { "content-type": "application/webhook+json" }, body });
    expect(noHeader.status).toBe(401);
    expect(received).toEqual([]);
    expect(rejected).toEqual(["WebhookSignatureError", "WebhookSignatureError", "WebhookSignatureError"]);

    const genuine = await fetch(endpointUrl, init);
    expect(genuine.status).toBe(200);
  });

  it("room and participant changes fire webhooks in order, like the real server", async () => {
    double.setWebhookUrl(endpointUrl);
    const rooms = createLivekitRooms({ apiUrl: double.url, ...credentials });
    await rooms.createSessionRoom("live1");
    await rooms.createSessionRoom("live1"); // idempotent: no second room_started
    const a = double.addParticipant("mm_live1", "user-a");
    double.addParticipant("mm_live1", "user-b");
    const a2 = double.addParticipant("mm_live1", "user-a"); // quick reconnect: new sid
    expect(() => double.addParticipant("mm_live1", "user-c")).toThrow(/full/);
    double.removeParticipant("mm_live1", "user-b", { aborted: true });
    await rooms.deleteRoom("mm_live1");
    await double.flushWebhooks();

    expect(received.map((e) => [e.event, e.participant?.identity ?? null, e.participant?.sid ?? null])).toEqual([
      ["room_started", null, null],
      ["participant_joined", "user-a", a.sid],
      ["participant_joined", "user-b", expect.stringMatching(/^PA_/)],
      ["participant_left", "user-a", a.sid],
      ["participant_joined", "user-a", a2.sid],
      ["participant_connection_aborted", "user-b", expect.stringMatching(/^PA_/)],
      ["participant_left", "user-a", a2.sid],
      ["room_finished", null, null],
    ]);
    expect(a2.sid).not.toBe(a.sid);
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    expect(received.every((e) => e.sessionId === "live1" && e.roomName === "mm_live1")).toBe(true);
    expect(double.webhookDeliveries.every((d) => d.status === 200)).toBe(true);
  });

  it("the control API can join and leave participants and expire rooms (for other processes)", async () => {
    double.setWebhookUrl(endpointUrl);
    await createLivekitRooms({ apiUrl: double.url, ...credentials }).createSessionRoom("ctl");
    const post = (path: string, body: unknown) =>
      fetch(`${double.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    const joined = await post("/_double/participants", { room: "mm_ctl", identity: "u1", name: "Nick" });
    expect(joined.status).toBe(201);
    expect(await joined.json()).toMatchObject({ identity: "u1", name: "Nick", sid: expect.stringMatching(/^PA_/) });
    expect((await post("/_double/participants", { room: "mm_missing", identity: "u1" })).status).toBe(404);
    expect((await post("/_double/participants/leave", { room: "mm_ctl", identity: "u1" })).status).toBe(200);
    expect((await post("/_double/participants/leave", { room: "mm_ctl", identity: "u1" })).status).toBe(404);
    expect((await post("/_double/rooms/expire", { room: "mm_ctl" })).status).toBe(200);

    const deliveries = (await (await fetch(`${double.url}/_double/webhooks`)).json()) as { event: string; status: number }[];
    expect(deliveries.map((d) => [d.event, d.status])).toEqual([
      ["room_started", 200],
      ["participant_joined", 200],
      ["participant_left", 200],
      ["room_finished", 200],
    ]);
    expect(received.map((e) => e.event)).toEqual(deliveries.map((d) => d.event));
  });

  it("an unreachable webhook target is recorded, not thrown", async () => {
    double.setWebhookUrl("http://127.0.0.1:9/nowhere");
    await createLivekitRooms({ apiUrl: double.url, ...credentials }).createSessionRoom("lost");
    await double.flushWebhooks();
    expect(double.webhookDeliveries).toEqual([
      expect.objectContaining({ event: "room_started", status: null, error: expect.any(String) }),
    ]);
  });
});

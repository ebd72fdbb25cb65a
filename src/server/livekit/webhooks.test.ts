import { AccessToken } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { makeWebhookEvent, signWebhook } from "@test/support/webhook-signer";
import { WebhookPayloadError, WebhookSignatureError } from "./errors";
import { createWebhookVerifier } from "./webhooks";

const credentials = { apiKey: "APIhook", apiSecret: "hook-secret-hook-secret-hook-secret" };
const verifier = createWebhookVerifier(credentials);

function joined() {
  return makeWebhookEvent({
    event: "participant_joined",
    id: "EV_joined1",
    createdAtSeconds: 1_800_000_000,
    room: { name: "mm_sess1", sid: "RM_room1" },
    participant: { identity: "user-a", sid: "PA_a1", joinedAtMs: 1_799_999_999_500 },
  });
}

describe("createWebhookVerifier", () => {
  it("accepts a correctly signed body and normalizes it", async () => {
    const { body } = joined();
    const event = await verifier.verify(body, await signWebhook(body, credentials));
    expect(event).toEqual({
      id: "EV_joined1",
      event: "participant_joined",
      createdAt: 1_800_000_000_000,
      roomName: "mm_sess1",
      roomSid: "RM_room1",
      sessionId: "sess1",
      participant: { identity: "user-a", sid: "PA_a1", joinedAt: 1_799_999_999_500 },
    });
  });

  it("accepts the body the real SDK test uses (camelCase JSON, int64 as strings)", async () => {
    const body =
      '{"event":"room_finished","id":"EV_x","createdAt":"1628545903","room":{"sid":"RM_1","name":"lobby","creationTime":"1628545903"}}';
    const event = await verifier.verify(body, await signWebhook(body, credentials));
    expect(event).toMatchObject({ event: "room_finished", roomName: "lobby", sessionId: null, createdAt: 1_628_545_903_000 });
    expect(event.participant).toBeUndefined();
  });

  it("tolerates a Bearer prefix", async () => {
    const { body } = joined();
    await expect(verifier.verify(body, `Bearer ${await signWebhook(body, credentials)}`)).resolves.toMatchObject({
      id: "EV_joined1",
    });
  });

  it("rejects a tampered body", async () => {
    const { body } = joined();
    const header = await signWebhook(body, credentials);
    const tampered = body.replace("user-a", "user-b");
    await expect(verifier.verify(tampered, header)).rejects.toBeInstanceOf(WebhookSignatureError);
    // Even whitespace changes the hash: the raw body must be passed as received.
    await expect(verifier.verify(`${body} `, header)).rejects.toThrow(/sha256/);
  });

  it("rejects a body signed with another secret or key", async () => {
    const { body } = joined();
    await expect(
      verifier.verify(body, await signWebhook(body, { ...credentials, apiSecret: "wrong-secret" })),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(verifier.verify(body, await signWebhook(body, { ...credentials, apiKey: "APIother" }))).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it("rejects a missing or garbage Authorization header", async () => {
    const { body } = joined();
    await expect(verifier.verify(body, null)).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(verifier.verify(body, "")).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(verifier.verify(body, "not-a-jwt")).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("rejects a valid token without a sha256 claim", async () => {
    const { body } = joined();
    const unsigned = await new AccessToken(credentials.apiKey, credentials.apiSecret).toJwt();
    await expect(verifier.verify(body, unsigned)).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("reports a signed but unusable body as a payload error", async () => {
    const notJson = "not json";
    await expect(verifier.verify(notJson, await signWebhook(notJson, credentials))).rejects.toBeInstanceOf(WebhookPayloadError);
    const noId = '{"event":"room_started","room":{"name":"mm_x"}}';
    await expect(verifier.verify(noId, await signWebhook(noId, credentials))).rejects.toBeInstanceOf(WebhookPayloadError);
  });
});

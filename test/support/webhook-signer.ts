/**
 * Sign and build LiveKit webhooks exactly as the real server does, using the real SDK:
 * the body is the protobuf-JSON of a WebhookEvent, the Authorization header is a JWT from the
 * API secret whose `sha256` claim is the base64 SHA-256 of the exact body (no `Bearer`).
 */
import { createHash, randomBytes } from "node:crypto";
import {
  AccessToken,
  ParticipantInfo,
  ParticipantInfo_State,
  Room,
  WebhookEvent,
  type WebhookEventNames,
} from "livekit-server-sdk";

export interface WebhookCredentials {
  apiKey: string;
  apiSecret: string;
}

export const WEBHOOK_CONTENT_TYPE = "application/webhook+json";

/** The `Authorization` header value the LiveKit server would send for this body. */
export async function signWebhook(body: string, credentials: WebhookCredentials): Promise<string> {
  const token = new AccessToken(credentials.apiKey, credentials.apiSecret);
  token.sha256 = createHash("sha256").update(body, "utf8").digest("base64");
  return token.toJwt();
}

export type WebhookEventName = Exclude<WebhookEventNames, "">;

export interface WebhookRoomInput {
  name: string;
  sid?: string;
  numParticipants?: number;
  /** Epoch ms. */
  creationTimeMs?: number;
  metadata?: string;
  emptyTimeout?: number;
  departureTimeout?: number;
  maxParticipants?: number;
}

export interface WebhookParticipantInput {
  identity: string;
  sid?: string;
  name?: string;
  /** Epoch ms. */
  joinedAtMs?: number;
  state?: "JOINING" | "JOINED" | "ACTIVE" | "DISCONNECTED";
}

export interface WebhookEventInput {
  event: WebhookEventName;
  /** A room name or a room description. */
  room?: string | WebhookRoomInput;
  participant?: WebhookParticipantInput;
  /** Defaults to a fresh `EV_…`; pass the same id twice to simulate a retry. */
  id?: string;
  /** Epoch seconds, like the real server; defaults to now. */
  createdAtSeconds?: number;
}

export interface BuiltWebhookEvent {
  id: string;
  /** The JSON body, exactly as it must be sent and signed. */
  body: string;
  event: WebhookEvent;
}

export function newSid(prefix: "EV" | "RM" | "PA" | "TR"): string {
  return `${prefix}_${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;
}

/** A WebhookEvent shaped like the real server's (protobuf JSON names, int64 as strings). */
export function makeWebhookEvent(input: WebhookEventInput): BuiltWebhookEvent {
  const id = input.id ?? newSid("EV");
  const createdAt = BigInt(input.createdAtSeconds ?? Math.floor(Date.now() / 1000));
  const event = new WebhookEvent({ id, createdAt });
  // WebhookEvent's own `event = ''` field initializer overwrites constructor data: set it after.
  event.event = input.event;
  if (input.room !== undefined) event.room = toRoom(typeof input.room === "string" ? { name: input.room } : input.room);
  if (input.participant) event.participant = toParticipant(input.participant, input.event);
  return { id, body: event.toJsonString(), event };
}

/** Headers + body for POSTing a built event to a webhook endpoint (fetch or `new Request`). */
export async function signedWebhookInit(
  body: string,
  credentials: WebhookCredentials,
): Promise<RequestInit & { body: string; headers: Record<string, string> }> {
  return {
    method: "POST",
    headers: { "content-type": WEBHOOK_CONTENT_TYPE, authorization: await signWebhook(body, credentials) },
    body,
  };
}

function toRoom(room: WebhookRoomInput): Room {
  const creationMs = BigInt(room.creationTimeMs ?? Date.now());
  return new Room({
    sid: room.sid ?? newSid("RM"),
    name: room.name,
    emptyTimeout: room.emptyTimeout ?? 0,
    departureTimeout: room.departureTimeout ?? 0,
    maxParticipants: room.maxParticipants ?? 0,
    creationTime: creationMs / 1000n,
    creationTimeMs: creationMs,
    metadata: room.metadata ?? "",
    numParticipants: room.numParticipants ?? 0,
  });
}

function toParticipant(participant: WebhookParticipantInput, eventName: WebhookEventName): ParticipantInfo {
  const joinedMs = BigInt(participant.joinedAtMs ?? Date.now());
  const gone = eventName === "participant_left" || eventName === "participant_connection_aborted";
  const state = participant.state ?? (gone ? "DISCONNECTED" : "ACTIVE");
  return new ParticipantInfo({
    sid: participant.sid ?? newSid("PA"),
    identity: participant.identity,
    name: participant.name ?? "",
    state: ParticipantInfo_State[state],
    joinedAt: joinedMs / 1000n,
    joinedAtMs: joinedMs,
  });
}

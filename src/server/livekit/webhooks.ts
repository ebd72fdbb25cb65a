import "server-only";
import { WebhookReceiver, type WebhookEvent } from "livekit-server-sdk";
import { WebhookPayloadError, WebhookSignatureError } from "./errors";
import { sessionIdFromRoomName } from "./room-names";

/**
 * Verifies LiveKit webhooks (instructions/livekit.md "Rules") and turns them into plain objects. Verification is
 * the SDK's WebhookReceiver on the exact raw body: read it once with `await req.text()`, never
 * re-serialise parsed JSON (the signature covers the bytes). Dedupe on `id` and presence by
 * `participant.sid` are the caller's job.
 */

export interface LivekitWebhookParticipant {
  identity: string;
  sid: string;
  /** Join time in epoch ms; 0 when the server did not say. */
  joinedAt: number;
}

export interface LivekitWebhookEvent {
  /** Unique per event (`EV_…`); a retry re-sends the same id. */
  id: string;
  /** room_started, room_finished, participant_joined, participant_left, participant_connection_aborted, track_*, … */
  event: string;
  /** Epoch ms. */
  createdAt: number;
  roomName: string | null;
  roomSid: string | null;
  /** From a room named `mm_<sessionId>`; null for rooms this app does not own. */
  sessionId: string | null;
  participant?: LivekitWebhookParticipant;
}

export interface WebhookVerifierConfig {
  apiKey: string;
  apiSecret: string;
  /** Allowed clock skew for the JWT's nbf/exp, seconds (SDK default 10). */
  clockToleranceSeconds?: number;
}

export interface WebhookVerifier {
  /** Throws WebhookSignatureError (→ 401) or WebhookPayloadError (→ 400). */
  verify(rawBody: string, authHeader: string | null | undefined): Promise<LivekitWebhookEvent>;
}

export function createWebhookVerifier(config: WebhookVerifierConfig): WebhookVerifier {
  const receiver = new WebhookReceiver(config.apiKey, config.apiSecret);
  return {
    async verify(rawBody, authHeader) {
      const token = stripBearer(authHeader);
      if (!token) throw new WebhookSignatureError("missing Authorization header");
      let received: WebhookEvent;
      try {
        received = await receiver.receive(rawBody, token, false, config.clockToleranceSeconds);
      } catch (error) {
        throw classify(error);
      }
      return normalize(received);
    },
  };
}

/** LiveKit sends the bare JWT; tolerate a `Bearer ` prefix added by proxies or hand-made calls. */
function stripBearer(header: string | null | undefined): string | null {
  const value = header?.trim();
  if (!value) return null;
  return value.replace(/^Bearer\s+/i, "") || null;
}

/**
 * WebhookReceiver checks the JWT and the body hash before it parses; parse failures are
 * SyntaxError (JSON) or protobuf "cannot decode" errors. Everything else is a signature failure.
 */
function classify(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SyntaxError || /cannot decode|from JSON/i.test(message)) {
    return new WebhookPayloadError(message, error);
  }
  return new WebhookSignatureError(message, error);
}

function normalize(received: WebhookEvent): LivekitWebhookEvent {
  if (!received.id) throw new WebhookPayloadError("event has no id");
  if (!received.event) throw new WebhookPayloadError("event has no name");
  const roomName = received.room?.name || null;
  const event: LivekitWebhookEvent = {
    id: received.id,
    event: received.event,
    createdAt: Number(received.createdAt) * 1000,
    roomName,
    roomSid: received.room?.sid || null,
    sessionId: sessionIdFromRoomName(roomName),
  };
  const participant = received.participant;
  if (participant && (participant.identity || participant.sid)) {
    const joinedAtMs = participant.joinedAtMs > 0n ? participant.joinedAtMs : participant.joinedAt * 1000n;
    event.participant = { identity: participant.identity, sid: participant.sid, joinedAt: Number(joinedAtMs) };
  }
  return event;
}

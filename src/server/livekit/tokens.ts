import "server-only";
import { AccessToken, TrackSource, type VideoGrant } from "livekit-server-sdk";

/**
 * Participant tokens (instructions/livekit.md "Rules"): identity = a per-session pseudonym
 * (participant-identity.ts), a join grant for one room,
 * publish/subscribe/data. Never roomCreate/roomAdmin/roomList: a leaked token must not be able
 * to create, inspect or resurrect rooms.
 */

export interface LivekitCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface JoinTokenRequest {
  roomName: string;
  /** The LiveKit identity, the member's per-session pseudonym (a second connection with it replaces the first). */
  identity: string;
  /** Display name (nickname). */
  name: string;
  /** Participant metadata, visible to the other participant. */
  metadata?: string;
  /** Defaults to one hour; page refreshes fetch a fresh token and LiveKit refreshes live ones. */
  ttlSeconds?: number;
}

export const DEFAULT_JOIN_TOKEN_TTL_SECONDS = 60 * 60;

/** The exact grant a participant gets; exported so tests and docs state it once. */
export function joinGrant(roomName: string): VideoGrant {
  return {
    roomJoin: true,
    room: roomName,
    canPublish: true,
    // Camera and microphone only: this product has no screen sharing to moderate.
    canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
  };
}

export async function mintJoinToken(credentials: LivekitCredentials, request: JoinTokenRequest): Promise<string> {
  if (!request.roomName) throw new Error("mintJoinToken: roomName is required");
  if (!request.identity) throw new Error("mintJoinToken: identity is required");
  const ttl = request.ttlSeconds ?? DEFAULT_JOIN_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`mintJoinToken: ttlSeconds must be a positive integer, got ${ttl}`);

  const token = new AccessToken(credentials.apiKey, credentials.apiSecret, {
    identity: request.identity,
    name: request.name,
    metadata: request.metadata,
    ttl,
  });
  token.addGrant(joinGrant(request.roomName));
  return token.toJwt();
}

import "server-only";
import { createHmac } from "node:crypto";

/**
 * The LiveKit identity of a user in one session: a pseudonym, because the partner's browser sees
 * the identity and a user id is stable — it would let strangers recognise each other across calls
 * and tie what one person saw to an account. HMAC-SHA256 of session and user under the LiveKit
 * API secret (domain-separated), so the same person in the same session always gets the same
 * identity (a fresh token on a refresh replaces the old connection, as LiveKit does per
 * identity), a different one in every other session, and nobody without the secret can link them.
 * The server maps it back to a member by computing both members' pseudonyms (`memberByIdentity`).
 */
export function participantIdentity(secret: string, sessionId: string, userId: string): string {
  const digest = createHmac("sha256", secret)
    .update(`moodmatch-participant\u0000${sessionId}\u0000${userId}`)
    .digest("base64url");
  return `p_${digest.slice(0, 22)}`; // 132 bits: collisions within one room are out of the question
}

/** The session member whose pseudonym this is, or null (a stranger's identity, or a stale secret). */
export function memberByIdentity<M extends { userId: string }>(
  secret: string,
  session: { id: string; a: M; b: M },
  identity: string,
): M | null {
  for (const member of [session.a, session.b]) {
    if (participantIdentity(secret, session.id, member.userId) === identity) return member;
  }
  return null;
}

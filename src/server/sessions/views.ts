import "server-only";
import type { LivekitJoin, QueueView, RevealMode, RevealView, SessionView, StatusView } from "@/lib/schemas";
import { participantIdentity } from "../livekit/participant-identity";
import { mintJoinToken } from "../livekit/tokens";
import type { LiveSession, QueuePosition, SessionMember, UserState } from "../matching/types";
import type { AppServices } from "../app-services";

/** Turns store records into the API's shapes (instructions/api.md), from one user's point of view. */

export function memberOf(session: LiveSession, userId: string): { me: SessionMember; partner: SessionMember } | null {
  if (session.a.userId === userId) return { me: session.a, partner: session.b };
  if (session.b.userId === userId) return { me: session.b, partner: session.a };
  return null;
}

/** Who consented to sharp video, from this user's side; REVEAL_MODE=open: everyone, from the start. */
export function revealView(session: LiveSession, userId: string, mode: RevealMode): RevealView {
  if (mode === "open") return { me: true, partner: true };
  const mine = session.a.userId === userId ? "a" : "b";
  const theirs = mine === "a" ? "b" : "a";
  return { me: session.revealedAt[mine] !== null, partner: session.revealedAt[theirs] !== null };
}

export function sessionView(session: LiveSession, userId: string, revealMode: RevealMode): SessionView {
  const sides = memberOf(session, userId);
  if (!sides) throw new Error(`user ${userId} is not in session ${session.id}`);
  return {
    id: session.id,
    roomName: session.roomName,
    createdAt: new Date(session.createdAt).toISOString(),
    partner: {
      nickname: sides.partner.nickname,
      avatar: sides.partner.avatar,
      mood: sides.partner.mood,
      commonInterests: session.commonInterests,
    },
    ...(session.kind ? { kind: session.kind } : {}),
    revealed: revealView(session, userId, revealMode),
  };
}

export async function livekitJoin(deps: AppServices, session: LiveSession, userId: string): Promise<LivekitJoin> {
  const sides = memberOf(session, userId)!;
  const token = await mintJoinToken(deps.livekit, {
    roomName: session.roomName,
    identity: participantIdentity(deps.livekit.apiSecret, session.id, userId),
    name: sides.me.nickname,
    metadata: JSON.stringify({ sessionId: session.id }),
  });
  return { url: deps.livekit.url, token };
}

/**
 * A rough wait estimate: the mean wait of recent matches, scaled by how far back in the queue
 * the user is (two people leave the queue per match). Shown as a hint, never promised.
 */
export function queueView(position: QueuePosition, avgWaitMs: number): QueueView {
  const perPair = avgWaitMs > 0 ? avgWaitMs : 5_000;
  const estimatedWaitMs = Math.round(perPair * Math.max(1, Math.ceil(position.position / 2)));
  return { position: position.position, waiting: position.waiting, estimatedWaitMs };
}

export function statusView(userId: string, state: UserState, avgWaitMs: number, revealMode: RevealMode): StatusView {
  const cooldownUntil = state.cooldownUntil ? { cooldownUntil: new Date(state.cooldownUntil).toISOString() } : {};
  switch (state.status) {
    case "idle":
      return { status: "idle", ...cooldownUntil };
    case "waiting":
      return { status: "waiting", ...queueView(state, avgWaitMs), ...cooldownUntil };
    case "in_session":
      return { status: "in_session", session: sessionView(state.session, userId, revealMode), ...cooldownUntil };
  }
}

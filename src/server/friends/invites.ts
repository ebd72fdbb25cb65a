import "server-only";
import { nanoid } from "nanoid";
import type { EnqueueResult, InviteEndReason, InviteView } from "@/lib/schemas";
import type { AppServices } from "../app-services";
import { friendIn } from "../db/friends";
import { AppError, errors } from "../http/errors";
import { newSessionId } from "../matching/rules";
import { announceMatch } from "../sessions/announce";
import { matchingProfile } from "../sessions/profiles";
import { limit } from "../sessions/rate";
import { sessionView } from "../sessions/views";

/**
 * Calling a friend (instructions/api.md "Friends"): an invite rings the friend for 30 s; accepting
 * starts a session through the same lifecycle as a match (store.startPair → announceMatch: record,
 * room, tokens, `matched` to both). Invites live in the key-value store, so every instance sees
 * them: `fi:<id>` holds the invite and `fi:pair:<a>:<b>` its id, both expiring with the ring. The
 * pair key is the one pending invite of a pair, and whoever deletes it (accept, decline, cancel,
 * timeout, block) is the one who ends the invite, so it ends exactly once.
 */

export const FRIEND_CALL_RING_MS = 30_000;
/** The keys outlive the ring a little, so the ring-out timer still finds them to tell both sides. */
const KEY_GRACE_MS = 10_000;

interface StoredInvite {
  id: string;
  friendshipId: string;
  from: string;
  to: string;
  fromProfile: { nickname: string; avatar: string | null };
  expiresAt: number;
}

const inviteKey = (id: string) => `fi:${id}`;
/** The calls ringing for a user (invite id → 1): the `state` snapshot shows them after a (re)load. */
const incomingKey = (userId: string) => `fi:to:${userId}`;
const pairKey = (a: string, b: string) => (a < b ? `fi:pair:${a}:${b}` : `fi:pair:${b}:${a}`);
const ringMs = (deps: AppServices) => deps.friendCallRingMs ?? FRIEND_CALL_RING_MS;

const conflict = (reason: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError("CONFLICT", message, { reason, ...details });
const inviteOver = () => conflict("invite_ended", "This call is over.");

function viewOf(invite: StoredInvite): InviteView {
  return {
    id: invite.id,
    friendshipId: invite.friendshipId,
    from: invite.fromProfile,
    expiresAt: new Date(invite.expiresAt).toISOString(),
  };
}

async function readInvite(deps: AppServices, id: string): Promise<StoredInvite | null> {
  const raw = await deps.kv.get(inviteKey(id));
  return raw ? (JSON.parse(raw) as StoredInvite) : null;
}

/** The pair's pending invite, if any. */
async function pendingBetween(deps: AppServices, a: string, b: string): Promise<StoredInvite | null> {
  const id = await deps.kv.get(pairKey(a, b));
  return id ? readInvite(deps, id) : null;
}

export type CallResult = { status: "ringing"; invite: InviteView } | Extract<EnqueueResult, { status: "in_session" }>;

/**
 * Ring a friend. Neither may be in a call and the caller not in the queue; the friend must be
 * online (the friend may be waiting in the queue: accepting takes them out). When the friend is
 * already calling the caller, this accepts their call instead: two friends who call each other
 * at once are connected.
 */
export async function callFriend(deps: AppServices, callerId: string, friendshipId: string): Promise<CallResult> {
  if (deps.maintenance.enabled) throw errors.maintenance(deps.maintenance.message);
  await limit(deps, "friendCalls", callerId); // first: probing friendship ids costs points too
  const friendId = await friendIn(deps.db, callerId, friendshipId);
  if (!friendId) throw errors.notFound("No such friend.");
  const { profile } = await matchingProfile(deps, callerId);
  const now = deps.now();
  const [mine, theirs, seen] = await Promise.all([
    deps.store.getState(callerId, now),
    deps.store.getState(friendId, now),
    deps.store.lastSeen([friendId]),
  ]);
  if (mine.status === "in_session") throw new AppError("ALREADY_IN_SESSION", "You are already in a conversation. Stop it first.");
  if (mine.status === "waiting") throw conflict("in_queue", "Stop searching before you call a friend.");
  if (theirs.status === "in_session") throw conflict("friend_busy", "Your friend is in a call right now.");
  if ((seen.get(friendId) ?? 0) <= now - deps.presenceTimeoutMs) throw conflict("friend_offline", "Your friend is not online.");

  const invite: StoredInvite = {
    id: nanoid(),
    friendshipId,
    from: callerId,
    to: friendId,
    fromProfile: profile,
    expiresAt: now + ringMs(deps),
  };
  // the invite first, then the pair's claim: whoever finds the claim can read the invite
  const keyTtl = ringMs(deps) + KEY_GRACE_MS;
  await deps.kv.set(inviteKey(invite.id), JSON.stringify(invite), keyTtl);
  if (!(await deps.kv.setIfAbsent(pairKey(callerId, friendId), invite.id, keyTtl))) {
    await deps.kv.del(inviteKey(invite.id));
    const pending = await pendingBetween(deps, callerId, friendId);
    if (pending?.from === friendId) return acceptInvite(deps, callerId, pending.id);
    throw conflict("invite_pending", "You are already calling this friend.", pending ? { inviteId: pending.id } : {});
  }
  await deps.kv.hset(incomingKey(friendId), invite.id, "1", keyTtl);
  await deps.bus.publish(friendId, "invite", viewOf(invite), `invite:${invite.id}`);
  // Rings out on this instance; if it stops first, the keys expire, an answer after expiresAt is
  // refused, and both pages stop ringing at expiresAt on their own.
  setTimeout(() => {
    endInvite(deps, invite, "timeout").catch((err) => deps.log.warn({ err, inviteId: invite.id }, "could not end a friend call"));
  }, ringMs(deps)).unref?.();
  return { status: "ringing", invite: viewOf(invite) };
}

/** Ends the invite once (whoever removes the pair's claim) and tells both sides; false if it was already over. */
async function endInvite(deps: AppServices, invite: StoredInvite, reason: InviteEndReason): Promise<boolean> {
  if (!(await claimEnd(deps, invite))) return false;
  await tellEnded(deps, invite, reason);
  return true;
}

/** Removes the pair's claim (true for the one caller that did) and the invite's keys. */
async function claimEnd(deps: AppServices, invite: StoredInvite): Promise<boolean> {
  if (!(await deps.kv.deleteIfEquals(pairKey(invite.from, invite.to), invite.id))) return false;
  await Promise.all([deps.kv.del(inviteKey(invite.id)), deps.kv.hdel(incomingKey(invite.to), invite.id)]);
  return true;
}

/** The calls ringing for this user now, oldest first (the `state` snapshot's `invites`). */
export async function pendingInvitesFor(deps: AppServices, userId: string): Promise<InviteView[]> {
  const ids = Object.keys(await deps.kv.hgetall(incomingKey(userId)));
  const invites = await Promise.all(ids.map((id) => readInvite(deps, id)));
  const now = deps.now();
  return invites
    .filter((i): i is StoredInvite => i !== null && i.to === userId && i.expiresAt > now)
    .sort((x, y) => x.expiresAt - y.expiresAt)
    .map(viewOf);
}

async function tellEnded(deps: AppServices, invite: StoredInvite, reason: InviteEndReason): Promise<void> {
  await Promise.all(
    [invite.from, invite.to].map((userId) =>
      deps.bus.publish(userId, "invite_ended", { inviteId: invite.id, reason }, `invite_end:${invite.id}`),
    ),
  );
}

/** The friend answers: a session for both, as a match would make, or 409 when it cannot be. */
export async function acceptInvite(
  deps: AppServices,
  userId: string,
  inviteId: string,
): Promise<Extract<EnqueueResult, { status: "in_session" }>> {
  if (deps.maintenance.enabled) throw errors.maintenance(deps.maintenance.message);
  const invite = await readInvite(deps, inviteId);
  if (!invite) throw inviteOver();
  if (invite.to !== userId) throw errors.notFound("No such call.");
  if (invite.expiresAt <= deps.now()) {
    await endInvite(deps, invite, "timeout");
    throw inviteOver();
  }
  const me = await matchingProfile(deps, userId);
  // a block since (it ends the friendship) or a ban of the caller ends the call
  const caller = await matchingProfile(deps, invite.from).catch((err) => {
    if (err instanceof AppError && err.code === "FORBIDDEN") return null;
    throw err;
  });
  if (!caller || (await friendIn(deps.db, userId, invite.friendshipId)) !== invite.from) {
    await endInvite(deps, invite, "ended");
    throw inviteOver();
  }
  if (!(await claimEnd(deps, invite))) throw inviteOver();
  const outcome = await deps.store.startPair(
    { userId: invite.from, profile: caller.profile, standing: caller.standing },
    { userId, profile: me.profile, standing: me.standing },
    newSessionId(),
    deps.now(),
  );
  if (outcome.kind === "conflict") {
    await tellEnded(deps, invite, "busy");
    if (outcome.reason === "excluded") throw inviteOver();
    const mine = await deps.store.getState(userId, deps.now());
    if (mine.status === "in_session")
      throw new AppError("ALREADY_IN_SESSION", "You are already in a conversation. Stop it first.");
    throw conflict("friend_busy", "Your friend is in a call right now.");
  }
  const joins = await announceMatch(deps, outcome.session);
  await tellEnded(deps, invite, "accepted");
  return { status: "in_session", session: sessionView(outcome.session, userId, deps.revealMode), livekit: joins.get(userId)! };
}

/** The friend declines, or the caller hangs up before an answer. */
export async function declineInvite(deps: AppServices, userId: string, inviteId: string): Promise<{ ended: true }> {
  const invite = await readInvite(deps, inviteId);
  if (!invite) throw inviteOver();
  if (userId !== invite.to && userId !== invite.from) throw errors.notFound("No such call.");
  if (!(await endInvite(deps, invite, userId === invite.to ? "declined" : "cancelled"))) throw inviteOver();
  return { ended: true };
}

/** A block or report between two users ends their pending invite. */
export async function endInviteBetween(deps: AppServices, a: string, b: string): Promise<void> {
  const pending = await pendingBetween(deps, a, b);
  if (pending) await endInvite(deps, pending, "ended");
}

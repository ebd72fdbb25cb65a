import "server-only";
import type { EndReason, LivekitJoin } from "@/lib/schemas";
import { recordSessionEnded, recordSessionStart, type SessionStartRecord } from "../db/sessions";
import { isDependencyFailure } from "../http/dependency-errors";
import type { EndedSession, LiveSession } from "../matching/types";
import type { AppServices } from "../app-services";
import { forgetRoomPresence } from "./presence";
import { expireTranscriptAfterEnd } from "./transcript";
import { livekitJoin, sessionView } from "./views";

/**
 * What happens after the store decided: persist, touch LiveKit, then tell the users — in that
 * order (persist first, publish second), so a user told about a session can always find it.
 * Every path that creates or ends a session (enqueue, sweeper, skip, webhooks, cron) ends here.
 */

/** Returns each member's join (token) so the caller answering one of them need not mint another. */
export async function announceMatch(deps: AppServices, session: LiveSession): Promise<Map<string, LivekitJoin>> {
  // The record and the room are independent; both exist before anyone is told.
  await Promise.all([
    recordSessionStart(deps.db, startRecord(session)),
    deps.rooms.createSessionRoom(session.id).catch((err) => {
      // Chat still works without media; the browser shows the video error, the cron reconciles.
      deps.log.warn({ err, sessionId: session.id }, "could not create the LiveKit room");
    }),
  ]);
  deps.metrics.matches.inc();
  for (const member of [session.a, session.b]) {
    if (member.waitedMs !== undefined) deps.metrics.waitTime.observeMs(member.waitedMs);
  }
  const joins = new Map<string, LivekitJoin>();
  await Promise.all(
    [session.a.userId, session.b.userId].map(async (userId) => {
      const livekit = await livekitJoin(deps, session, userId);
      joins.set(userId, livekit);
      await deps.bus.publish(
        userId,
        "matched",
        { session: sessionView(session, userId, deps.revealMode), livekit },
        `start:${session.id}`,
      );
    }),
  );
  await deps.store.markAnnounced("start", session.id);
  return joins;
}

/**
 * A session ended (exactly once, decided by the store). `actor` is the user whose action or
 * absence ended it: they get `session_ended`, the other `partner_left`. Without an actor (room
 * finished, cron) both get `partner_left`.
 *
 * The end is already decided and kept in the store's outbox, so a Postgres that cannot record it
 * right now (down, or slower than its query timeout) does not keep the users in a call that is
 * over: they are told, the room goes, and the end stays unannounced in the outbox, whose
 * reconciler writes the record (and finds the notices already sent) once Postgres answers.
 * Returns whether the record was written.
 */
export async function announceEnd(
  deps: AppServices,
  ended: EndedSession,
  actor: string | null = ended.endedBy,
): Promise<boolean> {
  const recorded = await recordSessionEnded(deps.db, {
    ...startRecord(ended),
    endedAt: ended.endedAt,
    reason: ended.reason,
    endedBy: ended.endedBy,
    activeAt: ended.activeAt,
  }).then(
    () => true,
    (err: unknown) => {
      if (!isDependencyFailure(err)) throw err;
      deps.log.warn({ err, sessionId: ended.id }, "could not record a session end; the outbox will");
      return false;
    },
  );
  if (recorded) deps.metrics.sessionsEnded.inc(ended.reason);
  const payload = { sessionId: ended.id, reason: ended.reason as EndReason };
  await Promise.all(
    // once per user and session: a resent command or a second announcement never tells twice
    [ended.a.userId, ended.b.userId].map((userId) =>
      deps.bus.publish(userId, userId === actor ? "session_ended" : "partner_left", payload, `end:${ended.id}`),
    ),
  );
  // Marked as soon as the users are told and the end recorded: a crash after this point must not
  // make the reconciler tell them again (its notices are once-only anyway). The room and presence
  // cleanup below is best-effort; the cleanup cron deletes any `mm_*` room left without a live session.
  if (recorded) await deps.store.markAnnounced("end", ended.id);
  // Deleting the room disconnects whoever is still in it; a missing room counts as done. It runs
  // off the request path: nobody waits for it (the users were told, the record is written), so a
  // slow or unreachable LiveKit cannot slow Stop, Skip, Report or Block down
  // (instructions/safety-and-operations.md "Every dependency failure is a 503").
  void deps.rooms
    .deleteRoom(ended.roomName)
    .catch((err) => deps.log.warn({ err, room: ended.roomName }, "could not delete the LiveKit room"));
  await forgetRoomPresence(deps, ended).catch(() => {});
  await expireTranscriptAfterEnd(deps, ended.id).catch(() => {}); // else it expires a little later
  return recorded;
}

/** How long a decision may stay unannounced before the reconciler takes over (normal: milliseconds). */
export const ANNOUNCE_GRACE_MS = 5_000;

/**
 * The outbox reconciler: matches and ends the store decided but nobody announced (the instance
 * died, or lost Redis or Postgres, in between). A start whose session already ended is only
 * recorded — telling the users `matched` would send them into a finished call.
 */
export async function announcePending(deps: AppServices): Promise<{ starts: number; ends: number }> {
  const { starts, ends } = await deps.store.unannounced(deps.now() - ANNOUNCE_GRACE_MS, 100);
  for (const session of starts) {
    if (await deps.store.getSession(session.id)) await announceMatch(deps, session);
    else {
      await recordSessionStart(deps.db, startRecord(session));
      await deps.store.markAnnounced("start", session.id);
    }
  }
  for (const ended of ends) {
    // Postgres is still out: the rest wait for the next round rather than each waiting for it.
    if (!(await announceEnd(deps, ended))) break;
  }
  return { starts: starts.length, ends: ends.length };
}

function startRecord(session: LiveSession): SessionStartRecord {
  return {
    id: session.id,
    userA: session.a.userId,
    userB: session.b.userId,
    roomName: session.roomName,
    mood: session.a.mood === session.b.mood ? session.a.mood : "mixed",
    commonInterests: session.commonInterests,
    score: session.score,
    createdAt: session.createdAt,
    kind: session.kind ?? "match",
  };
}

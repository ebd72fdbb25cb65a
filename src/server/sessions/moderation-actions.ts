import "server-only";
import { randomUUID } from "node:crypto";
import type { ReportReason } from "@/lib/schemas";
import { endInviteBetween } from "../friends/invites";
import { findSessionRecord } from "../db/sessions";
import { AppError, errors } from "../http/errors";
import { severityOf } from "../safety/reasons";
import { announceEnd } from "./announce";
import type { AppServices } from "../app-services";
import { limit } from "./rate";
import { holdSafetyWrite, isReportPending, persistHeldWrite, type SafetyWrite } from "./safety-writes";
import { transcriptFor } from "./transcript";

/**
 * Report and Block: both make the pair never meet again and end the session if it is still live.
 * They work on a session that has just ended too — people often report right after the other
 * person skipped them. The safety effect comes first and needs only the store: the Postgres
 * record is held there, the effect applied, then the record written (safety-writes.ts), so an
 * outage of Postgres delays the record, never the protection (instructions/safety-and-operations.md
 * "Safety actions survive outages").
 */

export async function reportPartner(
  deps: AppServices,
  userId: string,
  input: { sessionId: string; reason: ReportReason; details?: string },
): Promise<{ id: string }> {
  await limit(deps, "reports", userId);
  // Asked first: a held report answers 409 without Postgres (its own key, so it tells a stranger nothing).
  if (await isReportPending(deps, userId, input.sessionId)) throw alreadyReported();
  const partnerId = await partnerIn(deps, userId, input.sessionId);
  const write: SafetyWrite = {
    kind: "report",
    id: randomUUID(),
    reporter: userId,
    reported: partnerId,
    sessionId: input.sessionId,
    reason: input.reason,
    details: input.details ?? null,
    severity: severityOf(input.reason),
    chatContext: await transcriptFor(deps, input.sessionId, userId),
  };
  await separate(deps, userId, partnerId, input.sessionId, write);
  if ((await persistHeldWrite(deps, write)) === "duplicate") throw alreadyReported();
  return { id: write.id };
}

export async function blockPartner(deps: AppServices, userId: string, input: { sessionId: string }): Promise<{ blocked: true }> {
  await limit(deps, "blocks", userId);
  const partnerId = await partnerIn(deps, userId, input.sessionId);
  const write: SafetyWrite = { kind: "block", blocker: userId, blocked: partnerId, sessionId: input.sessionId };
  await separate(deps, userId, partnerId, input.sessionId, write);
  await persistHeldWrite(deps, write);
  return { blocked: true };
}

/** The store-side effect, once the record is held: a store failure here (or before) is a 503. */
async function separate(deps: AppServices, userId: string, partnerId: string, sessionId: string, write: SafetyWrite) {
  await holdSafetyWrite(deps, write);
  await deps.store.exclude(userId, partnerId);
  // the friendship ends with the record (safety-writes.ts); a ringing call between them ends now
  await endInviteBetween(deps, userId, partnerId);
  const ended = await deps.store.endSession(sessionId, write.kind, userId, deps.now());
  if (!ended) return;
  // The end is decided and in the store's outbox: if announcing it fails now (it records the end in
  // Postgres first), the reconciler finishes it. The call itself must stop now: the room goes.
  await announceEnd(deps, ended, userId).catch((err) => {
    deps.log.warn({ err, sessionId }, "end not announced yet");
    void deps.rooms
      .deleteRoom(ended.roomName)
      .catch((error) => deps.log.warn({ err: error, room: ended.roomName }, "could not delete the LiveKit room"));
  });
}

const alreadyReported = () => new AppError("CONFLICT", "You already reported this conversation.");

/** The other member of a session the user was in (live in the store, or on record). */
async function partnerIn(deps: AppServices, userId: string, sessionId: string): Promise<string> {
  const live = await deps.store.getSession(sessionId);
  const pair = live ? [live.a.userId, live.b.userId] : await recordedPair(deps, sessionId);
  if (!pair) throw errors.notFound("No such conversation.");
  if (!pair.includes(userId)) throw errors.forbidden("You are not part of this conversation.");
  return pair[0] === userId ? pair[1]! : pair[0]!;
}

async function recordedPair(deps: AppServices, sessionId: string): Promise<string[] | null> {
  const row = await findSessionRecord(deps.db, sessionId);
  return row ? [row.userA, row.userB] : null;
}

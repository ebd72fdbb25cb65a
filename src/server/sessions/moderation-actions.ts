import "server-only";
import type { ReportReason } from "@/lib/schemas";
import { recordBlock } from "../db/blocks";
import { endFriendship } from "../db/friends";
import { endInviteBetween } from "../friends/invites";
import type { ChatLine } from "../db/schema";
import { insertReport } from "../db/reports";
import { findSessionRecord } from "../db/sessions";
import { AppError, errors } from "../http/errors";
import { severityOf } from "../safety/reasons";
import { announceEnd } from "./announce";
import type { AppServices } from "../app-services";
import { limit } from "./rate";

/**
 * Report and Block: both make the pair never meet again (Postgres for good, the store at once)
 * and end the session if it is still live. They work on a session that has just ended too —
 * people often report right after the other person skipped them.
 */

const CHAT_CONTEXT_LINES = 30;

export async function reportPartner(
  deps: AppServices,
  userId: string,
  input: { sessionId: string; reason: ReportReason; details?: string },
): Promise<{ id: string }> {
  await limit(deps, "reports", userId);
  const partnerId = await partnerIn(deps, userId, input.sessionId);
  const chatContext = await chatContextFor(deps, userId, input.sessionId);
  const report = await insertReport(deps.db, {
    reporter: userId,
    reported: partnerId,
    sessionId: input.sessionId,
    reason: input.reason,
    details: input.details ?? null,
    severity: severityOf(input.reason),
    chatContext,
  });
  if (!report) throw new AppError("CONFLICT", "You already reported this conversation.");
  await separate(deps, userId, partnerId, input.sessionId, "report");
  return report;
}

export async function blockPartner(deps: AppServices, userId: string, input: { sessionId: string }): Promise<{ blocked: true }> {
  await limit(deps, "blocks", userId);
  const partnerId = await partnerIn(deps, userId, input.sessionId);
  await separate(deps, userId, partnerId, input.sessionId, "block");
  return { blocked: true };
}

async function separate(deps: AppServices, userId: string, partnerId: string, sessionId: string, source: "report" | "block") {
  await recordBlock(deps.db, { blocker: userId, blocked: partnerId, source, sessionId });
  await endFriendship(deps.db, userId, partnerId);
  await endInviteBetween(deps, userId, partnerId);
  await deps.store.exclude(userId, partnerId);
  const ended = await deps.store.endSession(sessionId, source, userId, deps.now());
  if (ended) await announceEnd(deps, ended, userId);
}

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

/** The last lines of the conversation as the reporter saw them (their event log holds both sides). */
async function chatContextFor(deps: AppServices, userId: string, sessionId: string): Promise<ChatLine[]> {
  const events = await deps.bus.replay(userId, 0);
  const lines: ChatLine[] = [];
  for (const e of events) {
    if (e.name === "chat" && e.data.sessionId === sessionId) {
      lines.push({ from: e.data.from === "me" ? "reporter" : "reported", text: e.data.text, sentAt: e.data.sentAt });
    }
  }
  return lines.slice(-CHAT_CONTEXT_LINES);
}

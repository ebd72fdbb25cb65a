import "server-only";
import { randomUUID } from "node:crypto";
import { AppError, errors } from "../http/errors";
import type { LiveSession } from "../matching/types";
import type { AppServices } from "../app-services";
import { limit } from "./rate";
import { appendToTranscript } from "./transcript";
import { memberOf } from "./views";

/**
 * Text chat rides the event bus: each message goes to the partner (`from: "partner"`) and back to
 * the sender (`from: "me"`, so other tabs and a refreshed page see it). The moderation filter
 * runs before delivery: a message with a blocked word is withheld (and counted); links and phone
 * numbers are masked. Each delivered line is also kept in the session's transcript (transcript.ts),
 * the evidence a report carries.
 */

export interface ChatResult {
  id: string;
  sentAt: string;
  /** Present when the filter withheld the message: it was not delivered. */
  withheld?: true;
  /** The text as delivered (contact details masked), when it differs from what was sent. */
  text?: string;
}

export async function sendChat(
  deps: AppServices,
  userId: string,
  input: { sessionId: string; text: string },
): Promise<ChatResult> {
  await limit(deps, "chat", userId);
  const { session, partnerId } = await liveMembership(deps, userId, input.sessionId);
  const id = randomUUID();
  const sentAt = new Date(deps.now()).toISOString();
  const check = deps.chatFilter.check(input.text);
  if (!check.allowed) {
    deps.metrics.chatMessages.inc("withheld");
    return { id, sentAt, withheld: true };
  }
  deps.metrics.chatMessages.inc("delivered");
  const base = { sessionId: session.id, id, text: check.text, sentAt };
  // Recorded before delivery: what a partner was shown is always there for a report.
  await appendToTranscript(deps, session.id, { from: userId, text: check.text, sentAt });
  await Promise.all([
    deps.bus.publish(partnerId, "chat", { ...base, from: "partner" }),
    deps.bus.publish(userId, "chat", { ...base, from: "me" }),
  ]);
  return check.text === input.text ? { id, sentAt } : { id, sentAt, text: check.text };
}

export async function sendTyping(deps: AppServices, userId: string, input: { sessionId: string }): Promise<void> {
  await limit(deps, "typing", userId);
  const { partnerId, session } = await liveMembership(deps, userId, input.sessionId);
  await deps.bus.publish(partnerId, "typing", { sessionId: session.id });
}

/** The live session the user belongs to: 403 for a stranger's session, 409 once it has ended. */
export async function liveMembership(
  deps: AppServices,
  userId: string,
  sessionId: string,
): Promise<{ session: LiveSession; partnerId: string }> {
  const session = await deps.store.getSession(sessionId);
  if (!session) {
    throw new AppError("NOT_IN_SESSION", "This conversation has ended.");
  }
  const sides = memberOf(session, userId);
  if (!sides) throw errors.forbidden("You are not part of this conversation.");
  return { session, partnerId: sides.partner.userId };
}

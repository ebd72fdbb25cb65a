import "server-only";
import type { RevealView } from "@/lib/schemas";
import { AppError, errors } from "../http/errors";
import type { AppServices } from "../app-services";
import { limit } from "./rate";
import { memberOf, revealView } from "./views";

/**
 * Consent-first video (instructions/api.md "Reveal"): each member's browser publishes a blurred
 * camera until both have pressed Reveal in this session. The store records each member's
 * reveal once, atomically; both members are told with a `reveal` event, and the `state`
 * snapshot and `GET /api/matching/session` carry the same view, so a refresh keeps it.
 */
export async function reveal(deps: AppServices, userId: string, input: { sessionId: string }): Promise<{ revealed: RevealView }> {
  await limit(deps, "reveal", userId);
  const outcome = await deps.store.reveal(input.sessionId, userId, deps.now());
  if (outcome.kind === "not_live") throw new AppError("NOT_IN_SESSION", "This conversation has ended.");
  if (outcome.kind === "not_member") throw errors.forbidden("You are not part of this conversation.");
  const { session } = outcome;
  const partnerId = memberOf(session, userId)!.partner.userId;
  const mine = revealView(session, userId, deps.revealMode);
  // Published on every call, not only the first: a retried request (its reply lost) repairs a
  // notice lost with it, and the browser applies the event idempotently.
  await Promise.all([
    deps.bus.publish(userId, "reveal", { sessionId: session.id, ...mine }),
    deps.bus.publish(partnerId, "reveal", { sessionId: session.id, ...revealView(session, partnerId, deps.revealMode) }),
  ]);
  return { revealed: mine };
}

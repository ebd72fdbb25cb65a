import "server-only";
import { randomUUID } from "node:crypto";
import { recordSessionActive } from "../db/sessions";
import { memberByIdentity } from "../livekit/participant-identity";
import type { LivekitWebhookEvent } from "../livekit/webhooks";
import { errors } from "../http/errors";
import { announceEnd } from "./announce";
import type { AppServices } from "../app-services";
import { recordJoin, recordLeave } from "./presence";

const DEDUPE_TTL_MS = 24 * 3_600_000;
/** How long one delivery may hold an event before another may apply it (its handler crashed). */
const CLAIM_LEASE_MS = 30_000;
const APPLIED = "applied";

export type WebhookOutcome = "duplicate" | "ignored" | "joined" | "activated" | "left" | "stale_leave" | "ended";

/**
 * A verified LiveKit webhook (instructions/livekit.md "Rules"). Deliveries are retried with the same id and may
 * arrive out of order: dedupe on the id (once applied), track presence by participant sid, and only let the
 * current sid's departure end a session (after a short grace, see presence.ts).
 */
export async function handleLivekitEvent(deps: AppServices, event: LivekitWebhookEvent): Promise<WebhookOutcome> {
  deps.metrics.webhookEvents.inc(event.event);
  // A claim with a short lease while the event is applied, marked applied only after it succeeded:
  // a failed delivery releases its claim, so LiveKit's retry of it is applied, never dropped.
  const key = `lk:event:${event.id}`;
  const claim = `claim:${randomUUID()}`;
  if (!(await deps.kv.setIfAbsent(key, claim, CLAIM_LEASE_MS))) {
    if ((await deps.kv.get(key)) === APPLIED) return "duplicate";
    // Another delivery of this event is being applied right now; a 5xx makes LiveKit retry later.
    throw errors.unavailable("This webhook event is being applied by another delivery.");
  }
  let outcome: WebhookOutcome;
  try {
    outcome = await applyEvent(deps, event);
  } catch (err) {
    await deps.kv.deleteIfEquals(key, claim).catch(() => {}); // the lease frees it anyway
    throw err;
  }
  await deps.kv.set(key, APPLIED, DEDUPE_TTL_MS);
  return outcome;
}

async function applyEvent(deps: AppServices, event: LivekitWebhookEvent): Promise<WebhookOutcome> {
  const sessionId = event.sessionId;
  if (!sessionId) return "ignored";
  const participant = event.participant;

  switch (event.event) {
    case "participant_joined": {
      if (!participant) return "ignored";
      const session = await deps.store.getSession(sessionId);
      // The identity is the member's per-session pseudonym (participant-identity.ts).
      const member = session && memberByIdentity(deps.livekit.apiSecret, session, participant.identity);
      if (!session || !member) return "ignored";
      const present = await recordJoin(deps, sessionId, member.userId, participant.sid);
      const both = [session.a.userId, session.b.userId].every((id) => present.includes(id));
      if (!both || session.activeAt !== null) return "joined";
      const active = await deps.store.activate(sessionId, deps.now());
      if (active) {
        deps.metrics.sessionsActivated.inc();
        await recordSessionActive(deps.db, sessionId, active.activeAt ?? deps.now());
      }
      return "activated";
    }
    case "participant_left":
    case "participant_connection_aborted": {
      if (!participant) return "ignored";
      const session = await deps.store.getSession(sessionId);
      const member = session && memberByIdentity(deps.livekit.apiSecret, session, participant.identity);
      if (!member) return "ignored"; // not a member, or the session is over: nothing left to end
      const current = await recordLeave(deps, sessionId, member.userId, participant.sid, deps.now());
      return current ? "left" : "stale_leave";
    }
    case "room_finished": {
      const ended = await deps.store.endSession(sessionId, "disconnect", null, deps.now());
      if (!ended) return "ignored";
      await announceEnd(deps, ended, null);
      return "ended";
    }
    default:
      return "ignored";
  }
}

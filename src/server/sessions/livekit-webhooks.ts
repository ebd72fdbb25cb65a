import "server-only";
import { recordSessionActive } from "../db/sessions";
import type { LivekitWebhookEvent } from "../livekit/webhooks";
import { announceEnd } from "./announce";
import type { AppServices } from "../app-services";
import { recordJoin, recordLeave } from "./presence";
import { memberOf } from "./views";

const DEDUPE_TTL_MS = 24 * 3_600_000;

export type WebhookOutcome = "duplicate" | "ignored" | "joined" | "activated" | "left" | "stale_leave" | "ended";

/**
 * A verified LiveKit webhook (instructions/livekit.md "Rules"). Deliveries are retried with the same id and may
 * arrive out of order: dedupe on the id, track presence by participant sid, and only let the
 * current sid's departure end a session (after a short grace, see presence.ts).
 */
export async function handleLivekitEvent(deps: AppServices, event: LivekitWebhookEvent): Promise<WebhookOutcome> {
  deps.metrics.webhookEvents.inc(event.event);
  if (!(await deps.kv.setIfAbsent(`lk:event:${event.id}`, "1", DEDUPE_TTL_MS))) return "duplicate";
  const sessionId = event.sessionId;
  if (!sessionId) return "ignored";
  const participant = event.participant;

  switch (event.event) {
    case "participant_joined": {
      if (!participant) return "ignored";
      const session = await deps.store.getSession(sessionId);
      if (!session || !memberOf(session, participant.identity)) return "ignored";
      const present = await recordJoin(deps, sessionId, participant.identity, participant.sid);
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
      const current = await recordLeave(deps, sessionId, participant.identity, participant.sid, deps.now());
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

import "server-only";
import { endWhenBanned } from "../auth/bans";
import { openUserEventStream } from "../events";
import type { AppServices } from "../app-services";
import { stateSnapshot } from "./lifecycle";

/** Presence refresh while a stream is open; well inside the 60 s presence timeout. */
const STREAM_PRESENCE_MS = 20_000;

/**
 * `GET /api/matching/events` (instructions/api.md "Events"): `state` first on every (re)connect, replay after
 * Last-Event-ID, live events after. An open stream counts as presence.
 */
export function openEventStream(deps: AppServices, request: Request, userId: string): Response {
  const touch = () => deps.store.touch(userId, deps.now());
  return openUserEventStream({
    request,
    bus: deps.bus,
    userId,
    snapshot: async () => {
      const state = await stateSnapshot(deps, userId);
      if (deps.maintenance.enabled) {
        // Maintenance is a property of the deployment: told again on every connect, right after
        // `state` (it goes through the bus like any event; the per-user log is capped).
        // Fire and forget, but never an unhandled rejection (it would crash or taint the process):
        // a lost notice is harmless, the next connect tells it again.
        queueMicrotask(() => {
          deps.bus
            .publish(userId, "maintenance", { message: deps.maintenance.message })
            .catch((err: unknown) => deps.log.warn({ err, userId }, "could not publish the maintenance notice"));
        });
      }
      return state;
    },
    onOpen: async () => {
      deps.metrics.sseConnections.inc();
      await touch();
    },
    onClose: () => deps.metrics.sseConnections.dec(),
    heartbeat: { intervalMs: STREAM_PRESENCE_MS, run: touch },
    // A banned user's stream ends (the route refused them at connect; this is for streams already open).
    endWhen: (end) => endWhenBanned(deps, userId, end),
    onError: (err) => deps.log.warn({ err, userId }, "event stream error"),
  });
}

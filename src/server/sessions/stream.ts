import "server-only";
import { endWhenBanned } from "../auth/bans";
import { EVENT_STREAM_RETRY_MS } from "@/lib/reconnect";
import { openUserEventStream } from "../events";
import type { AppServices } from "../app-services";
import { stateSnapshot } from "./lifecycle";

/** Presence refresh while a stream is open; well inside the 60 s presence timeout. */
const STREAM_PRESENCE_MS = 20_000;
/** Open streams per user on one instance; one more closes the oldest (a page reloaded before its old stream was noticed gone). */
export const MAX_STREAMS_PER_USER = 5;

/** This instance's open streams per user, oldest first (a Set keeps insertion order). */
const openStreams = new Map<string, Set<() => void>>();

/** Admits a new stream for the user, closing the oldest beyond the cap; returns its release. */
function admitStream(userId: string, end: () => void): () => void {
  let mine = openStreams.get(userId);
  if (!mine) openStreams.set(userId, (mine = new Set()));
  mine.add(end);
  for (const oldest of mine) {
    if (mine.size <= MAX_STREAMS_PER_USER) break;
    mine.delete(oldest);
    oldest();
  }
  const streams = mine;
  return () => {
    streams.delete(end);
    if (streams.size === 0 && openStreams.get(userId) === streams) openStreams.delete(userId);
  };
}

/**
 * `GET /api/matching/events` (instructions/api.md "Events"): `state` first on every (re)connect, replay after
 * Last-Event-ID, live events after. An open stream counts as presence. At most
 * MAX_STREAMS_PER_USER per user on this instance: the newest always gets through (that is the
 * page the person is looking at), the oldest is closed.
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
    // A banned user's stream ends (the route refused them at connect; this is for streams already
    // open), and so does their oldest stream when they open one too many.
    endWhen: (end) => {
      const releases = [endWhenBanned(deps, userId, end), admitStream(userId, end)];
      return () => releases.forEach((release) => release());
    },
    retryMs: EVENT_STREAM_RETRY_MS,
    onError: (err) => deps.log.warn({ err, userId }, "event stream error"),
  });
}

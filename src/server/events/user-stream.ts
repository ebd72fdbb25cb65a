import "server-only";
import type { ServerEventName, ServerEvents } from "@/lib/schemas";
import type { EventBus, StoredEvent } from "./bus";
import { createSseResponse, parseLastEventId, type SseSink } from "./sse";

/**
 * Events that `state` cannot represent: a reconnecting client gets them replayed even when the
 * snapshot is newer than they are. Everything else (queue, matched, cooldown, maintenance,
 * typing) is superseded by the snapshot and would only make a client act on stale news (e.g.
 * join the room of a `matched` that has since ended).
 */
const NOTICE_EVENTS: ReadonlySet<ServerEventName> = new Set(["chat", "partner_left", "session_ended"]);

export function isNoticeEvent(event: StoredEvent): boolean {
  return NOTICE_EVENTS.has(event.name);
}

export interface UserEventStreamOptions {
  request: Request;
  bus: EventBus;
  userId: string;
  /** The `/status`-like snapshot (plus session and livekit when in one), read fresh per connect. */
  snapshot: () => Promise<ServerEvents["state"]>;
  /** Called once the stream is live (e.g. mark presence); paired with onClose. */
  onOpen?: () => void | Promise<void>;
  onClose?: () => void | Promise<void>;
  /** Runs every intervalMs while the stream is open (e.g. refresh presence: the stream counts). */
  heartbeat?: { intervalMs: number; run: () => void | Promise<void> };
  /** Ends the stream from the server side once it calls `end` (e.g. the user was banned); returns its cleanup. */
  endWhen?: (end: () => void) => () => void;
  keepAliveMs?: number;
  retryMs?: number;
  /** How long to wait for the bus subscription to be live before reading state anyway. */
  readyTimeoutMs?: number;
  /** Which events with an id ≤ the state's id are still replayed (default: chat and endings). */
  replayCoveredByState?: (event: StoredEvent) => boolean;
  onError?: (error: unknown) => void;
}

/**
 * `GET /api/matching/events` for one user, without gap or duplicate:
 * 1. subscribe first and buffer live events;
 * 2. once the subscription is live, read the bus's last id L, then the snapshot, and send
 *    `state` with id L (L is read before the snapshot, so the snapshot reflects at least
 *    everything up to L; events after L are still delivered and may repeat what the snapshot
 *    already shows — clients apply events idempotently by sessionId);
 * 3. replay the log after min(Last-Event-ID, L): notices the client missed (ids ≤ L), plus
 *    anything after L, merged with the buffered live events, deduplicated, in id order;
 * 4. then stream live events as they come (the bus delivers each id once, in order).
 */
export function openUserEventStream(options: UserEventStreamOptions): Response {
  const { request, bus, userId, snapshot } = options;
  const replayCovered = options.replayCoveredByState ?? isNoticeEvent;
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  const onError = options.onError ?? ((error: unknown) => console.warn("[events]", error));

  return createSseResponse({
    request,
    keepAliveMs: options.keepAliveMs,
    retryMs: options.retryMs,
    onError,
    async open(sink) {
      const buffered: StoredEvent[] = [];
      let live = false;
      const unsubscribe = bus.subscribe(userId, (event) => {
        if (live) sendEvent(sink, event);
        else buffered.push(event);
      });
      // Registered before the first await: a client that leaves now still releases the listener.
      sink.onClose(unsubscribe);
      if (options.endWhen) sink.onClose(options.endWhen(() => sink.close()));

      await settleWithin(unsubscribe.ready, readyTimeoutMs);
      if (sink.closed) return;
      const stateId = await bus.lastId(userId);
      const state = await snapshot();
      if (sink.closed) return;
      sink.send({ id: stateId, event: "state", data: state });

      const lastEventId = parseLastEventId(request);
      // Replaying after L as well closes the window if the subscription was not live in time.
      const replayAfter = lastEventId === null ? stateId : Math.min(lastEventId, stateId);
      const replayed = await bus.replay(userId, replayAfter);
      if (sink.closed) return;

      const catchUp = [
        ...replayed.filter((e) => e.id > stateId || replayCovered(e)),
        ...buffered.filter((e) => e.id > stateId),
      ].sort((a, b) => a.id - b.id);
      let previous: number | null = null;
      for (const event of catchUp) {
        if (event.id === previous) continue;
        previous = event.id;
        sendEvent(sink, event);
      }
      // Same synchronous turn as the merge: no live event can slip between the two.
      live = true;
      buffered.length = 0;

      if (options.onOpen) {
        try {
          await options.onOpen();
        } catch (error) {
          onError(error);
        }
      }
      const onClose = options.onClose;
      if (onClose) sink.onClose(onClose);
      const heartbeat = options.heartbeat;
      if (heartbeat && !sink.closed) {
        const timer = setInterval(() => {
          Promise.resolve().then(heartbeat.run).catch(onError);
        }, heartbeat.intervalMs);
        sink.onClose(() => clearInterval(timer));
      }
    },
  });
}

function sendEvent(sink: SseSink, event: StoredEvent): void {
  sink.send({ id: event.id, event: event.name, data: event.data });
}

/** Waits for promise, but at most ms; never throws. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

import type { ServerEventName, ServerEvents } from "@/lib/schemas";

/**
 * The per-user event bus behind `GET /api/matching/events` (instructions/api.md "Events").
 *
 * Every event gets an id from a per-user sequence (1, 2, 3, …). Publishing persists first and
 * publishes second: the event is appended to a short per-user log, then broadcast to every app
 * process that has a local listener for that user. Pub/sub is at-most-once, so the log is what a
 * reconnecting client (or a reconnecting subscriber connection) catches up from.
 *
 * Two drivers share this contract: `createRedisEventBus` (all instances) and
 * `createMemoryEventBus` (single process, embedded default).
 */

/** One event as delivered to listeners and kept in the replay log. */
export type StoredEvent = {
  [N in ServerEventName]: { id: number; name: N; data: ServerEvents[N] };
}[ServerEventName];

export type EventListener = (event: StoredEvent) => void;

/**
 * What `subscribe` returns: call it (synchronously, idempotent) to stop listening. `ready`
 * resolves once live delivery for this user is really established (for Redis: the SUBSCRIBE is
 * acknowledged), so a caller that reads state after `ready` cannot miss an event published later.
 * It never rejects.
 */
export type Unsubscribe = (() => void) & { readonly ready: Promise<void> };

export interface EventBus {
  /**
   * Assigns the next id for the user, stores the event (unless it is `state`), broadcasts it.
   * With `once` (a key such as `end:<sessionId>`), an event already published for this user under
   * that key (within the log's TTL) is not published again: its id is returned instead. Session
   * announcements use it, so a command resent after a reconnect or a reconciler's second attempt
   * never tells anyone twice.
   */
  publish<N extends ServerEventName>(userId: string, name: N, data: ServerEvents[N], once?: string): Promise<number>;
  /** Stored events with id > afterId, oldest first (at most the capped log). */
  replay(userId: string, afterId: number): Promise<StoredEvent[]>;
  /** The last id handed out for the user; 0 if none (or the sequence expired). */
  lastId(userId: string): Promise<number>;
  /** Live events for the user, in id order, in this process. */
  subscribe(userId: string, listener: EventListener): Unsubscribe;
  /** Local listeners across all users (e.g. open event streams in this process). */
  subscriberCount(): number;
  /** Drops all listeners and releases connections the bus created (not the injected client). */
  close(): Promise<void>;
}

/**
 * `state` is a snapshot synthesized per connection: storing it would replay stale snapshots.
 * Every other event is kept in the log and replayable.
 */
export function isReplayable(name: ServerEventName): boolean {
  return name !== "state";
}

export interface EventLogLimits {
  /** Events kept per user (the oldest are dropped beyond this). */
  logCapacity: number;
  /** The log expires this long after its last write. */
  logTtlMs: number;
  /** The id sequence expires this long after its last write (long, so ids rarely restart). */
  sequenceTtlMs: number;
}

export const DEFAULT_EVENT_LOG_LIMITS: EventLogLimits = {
  logCapacity: 100,
  logTtlMs: 10 * 60_000,
  sequenceTtlMs: 7 * 24 * 60 * 60_000,
};

/** The defaults with any explicitly given limit applied (undefined means "default"). */
export function resolveLimits(options: Partial<EventLogLimits>): EventLogLimits {
  return {
    logCapacity: options.logCapacity ?? DEFAULT_EVENT_LOG_LIMITS.logCapacity,
    logTtlMs: options.logTtlMs ?? DEFAULT_EVENT_LOG_LIMITS.logTtlMs,
    sequenceTtlMs: options.sequenceTtlMs ?? DEFAULT_EVENT_LOG_LIMITS.sequenceTtlMs,
  };
}

/** Ids go into Redis keys inside a `{…}` hash tag: braces would break the tag, empty is a bug. */
export function assertUserId(userId: string): void {
  if (typeof userId !== "string" || userId.length === 0 || userId.length > 200 || /[{}\s]/.test(userId)) {
    throw new Error(`invalid user id for the event bus: ${JSON.stringify(userId)}`);
  }
}

/** Calls every listener, isolating them: one throwing listener must not starve the others. */
export function deliverToListeners(
  listeners: Iterable<EventListener>,
  event: StoredEvent,
  onError: (error: unknown) => void,
): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      onError(error);
    }
  }
}

export type BusErrorHandler = (error: unknown, context: string) => void;

export const defaultBusErrorHandler: BusErrorHandler = (error, context) => {
  console.warn(`[events] ${context}:`, error);
};

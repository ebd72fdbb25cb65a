import "server-only";
import type { ServerEventName, ServerEvents } from "@/lib/schemas";
import {
  assertUserId,
  defaultBusErrorHandler,
  deliverToListeners,
  isReplayable,
  resolveLimits,
  type BusErrorHandler,
  type EventBus,
  type EventListener,
  type EventLogLimits,
  type StoredEvent,
  type Unsubscribe,
} from "./bus";

export interface MemoryEventBusOptions extends Partial<EventLogLimits> {
  /** Clock for the log/sequence TTLs (tests inject one). */
  now?: () => number;
  onError?: BusErrorHandler;
}

interface UserLog {
  seq: number;
  seqExpiresAt: number;
  events: StoredEvent[];
  logExpiresAt: number;
}

/** The in-process driver: same ids, cap and TTL semantics as Redis, for single-instance runs. */
export interface MemoryEventBus extends EventBus {
  /** Users with a log or sequence still held, expired ones not yet swept included (tests). */
  trackedUsers(): number;
}

/** Logs of users nobody publishes to or reads again are swept at most this often, on a publish. */
const SWEEP_EVERY_MS = 60_000;

export function createMemoryEventBus(options: MemoryEventBusOptions = {}): MemoryEventBus {
  const limits = resolveLimits(options);
  const now = options.now ?? Date.now;
  const onError = options.onError ?? defaultBusErrorHandler;
  const logs = new Map<string, UserLog>();
  const listeners = new Map<string, Set<EventListener>>();
  /** `once` keys already published (user + key → the id), until the log would have expired. */
  const published = new Map<string, { id: number; expiresAt: number }>();
  let sweptAt = now();

  /** Expiry is lazy (on read), as in Redis; this drops what nobody will read again. */
  function sweepExpired(): void {
    const t = now();
    if (t - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = t;
    for (const userId of [...logs.keys()]) current(userId);
    for (const [k, v] of published) if (v.expiresAt <= t) published.delete(k);
  }

  /** The user's log with expired parts dropped, as Redis would have expired the keys. */
  function current(userId: string): UserLog | undefined {
    const log = logs.get(userId);
    if (!log) return undefined;
    const t = now();
    if (t >= log.logExpiresAt) log.events = [];
    if (t >= log.seqExpiresAt) log.seq = 0;
    if (log.seq === 0 && log.events.length === 0) {
      logs.delete(userId);
      return undefined;
    }
    return log;
  }

  return {
    async publish<N extends ServerEventName>(userId: string, name: N, data: ServerEvents[N], once?: string) {
      assertUserId(userId);
      // A JSON round trip gives listeners exactly what the Redis driver would deliver.
      const json = JSON.stringify(data);
      if (json === undefined) throw new Error(`event ${name} has no JSON data`);
      const t = now();
      sweepExpired();
      const onceKey = once === undefined ? null : `${userId}\u0000${once}`;
      if (onceKey !== null) {
        const seen = published.get(onceKey);
        if (seen && seen.expiresAt > t) return seen.id;
      }
      const log = current(userId) ?? { seq: 0, seqExpiresAt: 0, events: [], logExpiresAt: 0 };
      logs.set(userId, log);
      log.seq += 1;
      log.seqExpiresAt = t + limits.sequenceTtlMs;
      const event = { id: log.seq, name, data: JSON.parse(json) } as StoredEvent;
      if (isReplayable(name)) {
        log.events.push(event);
        if (log.events.length > limits.logCapacity) log.events.splice(0, log.events.length - limits.logCapacity);
        log.logExpiresAt = t + limits.logTtlMs;
      }
      if (onceKey !== null) {
        published.set(onceKey, { id: event.id, expiresAt: t + limits.logTtlMs });
      }
      const userListeners = listeners.get(userId);
      if (userListeners) deliverToListeners(userListeners, event, (e) => onError(e, "listener threw"));
      return event.id;
    },

    async replay(userId, afterId) {
      assertUserId(userId);
      return (current(userId)?.events ?? []).filter((e) => e.id > afterId);
    },

    async lastId(userId) {
      assertUserId(userId);
      return current(userId)?.seq ?? 0;
    },

    subscribe(userId, listener) {
      assertUserId(userId);
      let set = listeners.get(userId);
      if (!set) listeners.set(userId, (set = new Set()));
      set.add(listener);
      let active = true;
      const unsubscribe = () => {
        if (!active) return;
        active = false;
        set.delete(listener);
        if (set.size === 0 && listeners.get(userId) === set) listeners.delete(userId);
      };
      return Object.assign(unsubscribe, { ready: Promise.resolve() }) satisfies Unsubscribe;
    },

    subscriberCount() {
      let total = 0;
      for (const set of listeners.values()) total += set.size;
      return total;
    },

    async close() {
      listeners.clear();
    },

    trackedUsers: () => logs.size,
  };
}

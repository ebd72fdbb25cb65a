import "server-only";
import type { ServerEventName, ServerEvents } from "@/lib/schemas";
import { luaScript, runScript, type RedisCommandClient } from "@/server/kv/lua";
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

export interface RedisEventBusOptions extends Partial<EventLogLimits> {
  /** Command connection, shared with the rest of the app. Never put in subscriber mode. */
  redis: RedisCommandClient;
  /** Makes the one dedicated subscriber connection of this process; called lazily, at most once. */
  createSubscriber: () => RedisCommandClient;
  /** Key prefix part, so several apps or test runs can share one Redis. */
  namespace?: string;
  onError?: BusErrorHandler;
}

/** Keys and channel of one user. The `{…}` hash tag keeps them in one Cluster slot. */
export function eventKeys(namespace: string, userId: string) {
  const base = `ev:{${namespace}:${userId}}`;
  return { seq: `${base}:seq`, log: `${base}:log`, channel: `${base}:ch`, once: (key: string) => `${base}:once:${key}` };
}

/**
 * Persist first, publish second, atomically: a subscriber that gets the message can always find
 * it in the log too, and an id is never broadcast without being stored. The log is a sorted set
 * scored by id (replay is one range read); the payload is the JSON delivered to listeners.
 */
const PUBLISH = luaScript(`
-- KEYS[1] sequence, KEYS[2] log, KEYS[3] (optional) the once key
-- ARGV[1] channel, ARGV[2] payload tail ',"name":…,"data":…}', ARGV[3] store (1/0),
-- ARGV[4] log capacity, ARGV[5] log TTL ms, ARGV[6] sequence TTL ms
if KEYS[3] then
  local seen = redis.call('GET', KEYS[3])
  if seen then return tonumber(seen) end
end
local id = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
local payload = '{"id":' .. id .. ARGV[2]
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[2], id, payload)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
redis.call('PUBLISH', ARGV[1], payload)
if KEYS[3] then redis.call('SET', KEYS[3], id, 'PX', ARGV[5]) end
return id
`);

interface UserChannel {
  userId: string;
  channel: string;
  listeners: Set<EventListener>;
  /** Id of the last event handed to the listeners (0: none yet). */
  lastDelivered: number;
  /** `lastId` read once the SUBSCRIBE was acknowledged: where recovery starts if nothing came. */
  baseline: number;
  /** False until the first SUBSCRIBE was acknowledged and the baseline read. */
  established: boolean;
  /** While catching up after a subscriber reconnect, live events wait here. */
  recovering: StoredEvent[] | null;
  ready: Promise<void>;
}

/**
 * The Redis driver. One subscriber connection per process, created on the first local listener;
 * a user's channel is SUBSCRIBEd while it has at least one local listener, and messages are fanned
 * out in memory.
 *
 * Subscriber reconnects: ioredis re-subscribes by itself. Events published while the connection
 * was down never arrive through pub/sub, so after every reconnect the bus re-subscribes
 * explicitly (to know the subscription is live), then replays each user's log after the last id
 * it delivered and hands the missed events to the listeners in order, ahead of newer live ones.
 * Anything not in the log (`state`, or events older than the cap/TTL) is covered by the client
 * re-reading state when its stream reconnects.
 */
export function createRedisEventBus(options: RedisEventBusOptions): EventBus {
  const { redis, createSubscriber } = options;
  const namespace = options.namespace ?? "app";
  const limits = resolveLimits(options);
  const onError = options.onError ?? defaultBusErrorHandler;
  const byUser = new Map<string, UserChannel>();
  const byChannel = new Map<string, UserChannel>();
  let subscriber: RedisCommandClient | null = null;
  let connectedBefore = false;
  let closed = false;

  function getSubscriber(): RedisCommandClient {
    if (subscriber) return subscriber;
    const sub = createSubscriber();
    subscriber = sub;
    connectedBefore = sub.status === "ready";
    sub.on("message", onMessage);
    sub.on("error", (error: unknown) => onError(error, "subscriber connection"));
    sub.on("ready", () => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      void recoverAfterReconnect();
    });
    return sub;
  }

  function parse(message: string): StoredEvent | null {
    try {
      const event = JSON.parse(message) as StoredEvent;
      if (typeof event?.id !== "number" || typeof event.name !== "string") throw new Error("not an event");
      return event;
    } catch (error) {
      onError(error, `unreadable event ${message.slice(0, 80)}`);
      return null;
    }
  }

  function deliver(entry: UserChannel, event: StoredEvent) {
    entry.lastDelivered = event.id;
    deliverToListeners(entry.listeners, event, (error) => onError(error, "listener threw"));
  }

  function onMessage(channel: string, message: string) {
    const entry = byChannel.get(channel);
    if (!entry) return;
    const event = parse(message);
    if (!event) return;
    if (entry.recovering) entry.recovering.push(event);
    else deliver(entry, event);
  }

  async function establish(entry: UserChannel): Promise<void> {
    try {
      await getSubscriber().subscribe(entry.channel);
      entry.baseline = await bus.lastId(entry.userId);
      entry.established = true;
    } catch (error) {
      onError(error, `subscribe ${entry.userId}`);
    }
  }

  async function recoverAfterReconnect(): Promise<void> {
    const entries = [...byUser.values()];
    if (entries.length === 0 || !subscriber) return;
    for (const entry of entries) entry.recovering ??= [];
    try {
      // Already re-sent by ioredis; our own acknowledged SUBSCRIBE proves the channels are live
      // before the log is read, so nothing can fall between the replay and live delivery.
      await subscriber.subscribe(...entries.map((e) => e.channel));
    } catch (error) {
      onError(error, "re-subscribe after reconnect");
    }
    await Promise.all(entries.map(catchUp));
  }

  async function catchUp(entry: UserChannel): Promise<void> {
    const cursor = entry.lastDelivered || entry.baseline;
    let missed: StoredEvent[] = [];
    // A listener that arrived during the outage has no past to recover: its SUBSCRIBE was queued.
    if (entry.established || entry.lastDelivered > 0) {
      try {
        missed = await bus.replay(entry.userId, cursor);
      } catch (error) {
        onError(error, `replay after reconnect for ${entry.userId}`);
      }
    }
    const buffered = entry.recovering ?? [];
    entry.recovering = null;
    if (byUser.get(entry.userId) !== entry) return;
    const seen = new Set<number>();
    const ordered = [...missed, ...buffered].sort((a, b) => a.id - b.id);
    for (const event of ordered) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      deliver(entry, event);
    }
  }

  function release(entry: UserChannel) {
    if (byUser.get(entry.userId) !== entry) return;
    byUser.delete(entry.userId);
    byChannel.delete(entry.channel);
    subscriber?.unsubscribe(entry.channel).catch((error: unknown) => onError(error, `unsubscribe ${entry.userId}`));
  }

  const bus: EventBus = {
    async publish<N extends ServerEventName>(userId: string, name: N, data: ServerEvents[N], once?: string) {
      assertUserId(userId);
      const dataJson = JSON.stringify(data);
      if (dataJson === undefined) throw new Error(`event ${name} has no JSON data`);
      const keys = eventKeys(namespace, userId);
      const tail = `,"name":${JSON.stringify(name)},"data":${dataJson}}`;
      const id = await runScript(
        redis,
        PUBLISH,
        once === undefined ? [keys.seq, keys.log] : [keys.seq, keys.log, keys.once(once)],
        [keys.channel, tail, isReplayable(name) ? "1" : "0", limits.logCapacity, limits.logTtlMs, limits.sequenceTtlMs],
      );
      return Number(id);
    },

    async replay(userId, afterId) {
      assertUserId(userId);
      const after = Number.isFinite(afterId) && afterId > 0 ? Math.floor(afterId) : 0;
      const members = await redis.zrangebyscore(eventKeys(namespace, userId).log, `(${after}`, "+inf");
      return members.map(parse).filter((e): e is StoredEvent => e !== null);
    },

    async lastId(userId) {
      assertUserId(userId);
      const value = await redis.get(eventKeys(namespace, userId).seq);
      return value === null ? 0 : Number(value);
    },

    subscribe(userId, listener) {
      assertUserId(userId);
      if (closed) throw new Error("event bus is closed");
      let entry = byUser.get(userId);
      if (!entry) {
        const channel = eventKeys(namespace, userId).channel;
        const created: UserChannel = {
          userId,
          channel,
          listeners: new Set(),
          lastDelivered: 0,
          baseline: 0,
          established: false,
          recovering: null,
          ready: Promise.resolve(),
        };
        created.ready = establish(created);
        byUser.set(userId, created);
        byChannel.set(channel, created);
        entry = created;
      }
      const own = entry;
      own.listeners.add(listener);
      let active = true;
      const unsubscribe = () => {
        if (!active) return;
        active = false;
        own.listeners.delete(listener);
        if (own.listeners.size === 0) release(own);
      };
      return Object.assign(unsubscribe, { ready: own.ready }) satisfies Unsubscribe;
    },

    subscriberCount() {
      let total = 0;
      for (const entry of byUser.values()) total += entry.listeners.size;
      return total;
    },

    async close() {
      closed = true;
      byUser.clear();
      byChannel.clear();
      const sub = subscriber;
      subscriber = null;
      if (sub) {
        try {
          await sub.quit();
        } catch {
          sub.disconnect();
        }
      }
    },
  };
  return bus;
}

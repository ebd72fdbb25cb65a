import "server-only";
import { getDatabase } from "./db";
import type { Database } from "./db";
import { getEnv } from "./env";
import { createMemoryEventBus, createRedisEventBus, type EventBus } from "./events";
import { createMemoryKeyValueStore, createRedisKeyValueStore, type KeyValueStore } from "./kv";
import { configureRoomPrefix } from "./livekit/room-names";
import { createLivekitRooms } from "./livekit/rooms";
import { createWebhookVerifier } from "./livekit/webhooks";
import { logger } from "./logger";
import { matchConfigFromEnv } from "./matching/config";
import { createMemoryMatchStore } from "./matching/memory-store";
import { createRedisMatchStore } from "./matching/redis-store";
import type { MatchStore } from "./matching/types";
import { getMetrics } from "./ops/metrics";
import { getRedis } from "./redis";
import { createChatFilter } from "./safety/moderation";
import { createRateLimits } from "./safety/rate-limits";
import { startBackgroundWork } from "./sessions/background";
import { attachStoreMetrics, type AppServices } from "./app-services";

/**
 * The composition root: the one place that turns the environment into the process-wide
 * services (Redis-backed when REDIS_URL is set, in-process otherwise). Built on first use and
 * kept on globalThis so dev hot reloads don't open second connections or second sweepers.
 */
const holder = globalThis as unknown as { __mmServices?: Promise<AppServices> };

export function getServices(): Promise<AppServices> {
  holder.__mmServices ??= build().catch((err) => {
    holder.__mmServices = undefined;
    throw err;
  });
  return holder.__mmServices;
}

async function build(): Promise<AppServices> {
  const env = getEnv();
  // Before anything names a room: the store, the webhooks and the cron all use it.
  configureRoomPrefix(env.livekit.roomPrefix);
  const { db } = await getDatabase();
  const redis = getRedis();
  const config = matchConfigFromEnv(env.matching);

  let store: MatchStore;
  let bus: EventBus;
  let kv: KeyValueStore;
  if (redis) {
    const namespace = env.redisNamespace;
    store = createRedisMatchStore({ redis: redis.command, config, namespace });
    bus = createRedisEventBus({
      redis: redis.command,
      createSubscriber: redis.subscriberFactory,
      namespace,
      onError: (err) => logger.warn({ err }, "event bus"),
    });
    kv = createRedisKeyValueStore({ redis: redis.command, namespace });
  } else {
    store = createMemoryMatchStore(config);
    bus = createMemoryEventBus();
    kv = createMemoryKeyValueStore();
  }

  const deps: AppServices = {
    db: db as Database,
    store,
    bus,
    kv,
    rooms: createLivekitRooms(env.livekit),
    webhooks: createWebhookVerifier(env.livekit),
    livekit: env.livekit,
    limits: createRateLimits({
      redis: redis?.command,
      namespace: `rl:${env.redisNamespace}`,
      enabled: env.rateLimitsEnabled,
      limits: { signIn: { points: env.signInLimit, durationSec: 600 } },
      logger,
    }),
    chatFilter: createChatFilter({ blockedWords: env.chatBlockedWords }),
    metrics: getMetrics(),
    maintenance: env.maintenance,
    revealMode: env.revealMode,
    presenceTimeoutMs: config.presenceTimeoutMs,
    rematchWindowMs: config.rematchWindowMs,
    reportRetentionMs: env.reportRetentionMs,
    now: Date.now,
    log: logger,
  };
  attachStoreMetrics(deps);
  startBackgroundWork(deps);
  return deps;
}

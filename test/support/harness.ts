import type { RevealMode } from "@/lib/schemas";
/**
 * Builds the real session services for integration tests — real Redis (own namespace), a fresh
 * Postgres database, the LiveKit test double — and installs them where the route handlers find
 * them, so tests call the real handlers with real requests.
 */
import Redis from "ioredis";
import { encode } from "next-auth/jwt";
import type { Database } from "@/server/db";
import { createGuest } from "@/server/db/users";
import { getEnv } from "@/server/env";
import { createRedisEventBus } from "@/server/events";
import { createRedisKeyValueStore } from "@/server/kv";
import { createLivekitRooms } from "@/server/livekit/rooms";
import { createWebhookVerifier } from "@/server/livekit/webhooks";
import { matchConfig } from "@/server/matching/config";
import { createRedisMatchStore, deleteNamespace } from "@/server/matching/redis-store";
import type { MatchConfig } from "@/server/matching/types";
import { getMetrics } from "@/server/ops/metrics";
import { createChatFilter } from "@/server/safety/moderation";
import { createRateLimits } from "@/server/safety/rate-limits";
import { attachStoreMetrics, type AppServices } from "@/server/app-services";
import { startLivekitDouble, type LivekitDouble } from "./livekit-double";
import { createTestDatabase, type TestDatabase } from "./postgres";
import { TEST_REDIS_URL, uniqueNamespace } from "./services";

export const LK = { apiKey: "test-key", apiSecret: "test-secret-0123456789abcdef0123456789" };

export interface Harness {
  deps: AppServices;
  db: TestDatabase;
  livekit: LivekitDouble;
  redis: Redis;
  namespace: string;
  clock: { now: number; advance(ms: number): void };
  newUser(nickname?: string): Promise<TestUser>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  nickname: string;
  cookie: string;
}

export async function createHarness(
  options: { config?: Partial<MatchConfig>; limits?: boolean; blockedWords?: string[]; revealMode?: RevealMode } = {},
): Promise<Harness> {
  const namespace = uniqueNamespace("it");
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  const subscriber = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const db = await createTestDatabase();
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const livekit = await startLivekitDouble({ ...LK, now: () => clock.now });
  const config = matchConfig(options.config);

  const deps: AppServices = {
    db: db.handle.db as Database,
    store: createRedisMatchStore({ redis, config, namespace, sweepLock: false }),
    bus: createRedisEventBus({ redis, createSubscriber: () => subscriber, namespace }),
    kv: createRedisKeyValueStore({ redis, namespace }),
    rooms: createLivekitRooms({ apiUrl: livekit.url, ...LK }),
    webhooks: createWebhookVerifier(LK),
    livekit: { url: livekit.wsUrl, ...LK },
    limits: createRateLimits({ redis, namespace: `rl:${namespace}`, enabled: options.limits ?? false, logger: silent }),
    chatFilter: createChatFilter({ blockedWords: options.blockedWords ?? ["badword"] }),
    metrics: getMetrics(),
    maintenance: { enabled: false, message: "maintenance" },
    revealMode: options.revealMode ?? "consent",
    presenceTimeoutMs: config.presenceTimeoutMs,
    rematchWindowMs: config.rematchWindowMs,
    now: () => clock.now,
    log: {
      info() {},
      debug() {},
      warn() {},
      error: (...args: unknown[]) => console.error(...args),
    } as unknown as AppServices["log"],
  };
  attachStoreMetrics(deps);
  installServices(deps);

  return {
    deps,
    db,
    livekit,
    redis,
    namespace,
    clock,
    async newUser(nickname = "Tester") {
      const row = await createGuest(deps.db, nickname);
      return { id: row.id, nickname: row.nickname, cookie: await sessionCookieFor(row.id, row.nickname) };
    },
    async close() {
      await deps.bus.close().catch(() => {});
      await deps.store.close().catch(() => {});
      await livekit.close();
      await deleteNamespace(redis, namespace).catch(() => {});
      const leftovers = await redis.keys(`*${namespace}*`);
      if (leftovers.length) await redis.del(...leftovers);
      redis.disconnect();
      subscriber.disconnect();
      await db.drop();
    },
  };
}

const silent = { warn() {} };

/** Makes `getServices()` (what the route handlers call) return these deps. */
export function installServices(deps: AppServices): void {
  (globalThis as unknown as { __mmServices?: Promise<AppServices> }).__mmServices = Promise.resolve(deps);
}

export async function sessionCookieFor(userId: string, name: string): Promise<string> {
  const token = await encode({ token: { sub: userId, name }, secret: getEnv().authSecret });
  return `next-auth.session-token=${token}`;
}

/** A request as a same-origin browser would send it. */
export function apiRequest(
  user: TestUser | null,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { host: "localhost:3000", ...(init.headers ?? {}) };
  if (user) headers.cookie = user.cookie;
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  return new Request(`http://localhost:3000${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
}

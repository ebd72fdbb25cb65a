/**
 * The system under test: N production instances (`next start`) on one Redis and one fresh
 * Postgres database, plus the LiveKit RoomService double; everything torn down by `stop()`.
 */
import Redis from "ioredis";
import { ApiClient, startApp, type AppProcess } from "@test/support/app-process";
import { mintSessionCookie, openIdleStream } from "./memory";
import { startLivekitDouble, type LivekitDouble } from "@test/support/livekit-double";
import { createTestDatabase, type TestDatabase } from "@test/support/postgres";
import { uniqueNamespace } from "@test/support/services";

export const LIVEKIT_KEY = "bench-key";
export const LIVEKIT_SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
export const AUTH_SECRET = "bench-auth-secret-0123456789abcdef0123456789";
export const METRICS_TOKEN = "bench-metrics-token";

export interface Stack {
  apps: AppProcess[];
  db: TestDatabase;
  livekit: LivekitDouble;
  redisUrl: string;
  namespace: string;
  /** A Redis client for checks (not one of the app's connections). */
  redis: Redis;
  ports: number[];
  /** Start (again) the instance at index i on its port; returns the new process. */
  startInstance(i: number): Promise<AppProcess>;
  stop(): Promise<void>;
}

export async function startStack(options: {
  redisUrl: string;
  instances?: number;
  env?: Record<string, string>;
  pgAsyncCommit?: boolean;
  /** Node flags for the instances (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /**
   * The run's database on this server (an admin URL) instead of the shared one; `appUrl` maps
   * the database's name to the URL the instances use (e.g. through a proxy), `db.url` stays direct.
   */
  postgres?: { serverUrl: string; appUrl?: (database: string) => string };
}): Promise<Stack> {
  const namespace = uniqueNamespace("bench");
  const db = await createTestDatabase("bench", options.postgres?.serverUrl);
  // Only this run's database: the shared server's settings stay as they are.
  if (options.pgAsyncCommit) await db.handle.db.execute(`alter database ${db.name} set synchronous_commit = off`);
  const livekit = await startLivekitDouble({ apiKey: LIVEKIT_KEY, apiSecret: LIVEKIT_SECRET });
  // 7100–7999: clear of the fetch spec's "bad ports" that Next refuses (e.g. 4045).
  const base = 7100 + Math.floor(Math.random() * 400);
  const ports = Array.from({ length: options.instances ?? 2 }, (_, i) => base + i * 500);
  const common = {
    AUTH_SECRET,
    DATABASE_URL: options.postgres?.appUrl?.(db.name) ?? db.url,
    REDIS_URL: options.redisUrl,
    REDIS_NAMESPACE: namespace,
    LIVEKIT_URL: livekit.wsUrl,
    LIVEKIT_API_URL: livekit.url,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
    METRICS_TOKEN,
    DISABLE_RATE_LIMITS: "1",
    // Production refuses DISABLE_RATE_LIMITS unless a load test says so explicitly.
    ALLOW_DISABLED_RATE_LIMITS: "1",
    // Production refuses to start without a cron secret (src/server/env.ts).
    CRON_SECRET: "bench-cron-secret",
    SIGNIN_LIMIT: "1000000",
    LOG_LEVEL: "error",
    DATA_DIR: `/tmp/${namespace}`,
    ...options.env,
  };
  const apps: AppProcess[] = [];
  const startInstance = async (i: number) => {
    const port = ports[i]!;
    const app = await startApp(port, { ...common, APP_URL: `http://127.0.0.1:${port}` }, options.nodeArgs);
    apps[i] = app;
    return app;
  };
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on("error", () => {});
  try {
    await Promise.all(ports.map((_, i) => startInstance(i)));
  } catch (err) {
    await Promise.all(apps.map((a) => a?.stop()));
    await livekit.close();
    await db.drop();
    redis.disconnect();
    throw err;
  }
  return {
    apps,
    db,
    livekit,
    redisUrl: options.redisUrl,
    namespace,
    redis,
    ports,
    startInstance,
    async stop() {
      await Promise.all(apps.map((a) => a.stop()));
      await livekit.close();
      await db.drop().catch(() => {});
      await deleteKeysContaining(redis, namespace).catch(() => {});
      redis.disconnect();
    },
  };
}

/** Every key of this run (matching store, event logs, rate limits, kv all carry the namespace). */
async function deleteKeysContaining(redis: Redis, namespace: string) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `*${namespace}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== "0");
}

/** Guest sign-in of `count` users spread over the instances, `parallel` at a time. */
export async function signInUsers(urls: string[], count: number, prefix: string, parallel = 16): Promise<ApiClient[]> {
  const users: ApiClient[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        users[i] = await new ApiClient(urls[i % urls.length]!).signIn(`${prefix}${i}`);
      }
    }),
  );
  return users;
}

/**
 * Opens one events stream per instance and waits a second, so each process's lazily created
 * Redis subscriber connection is up before a burst of streams arrives. Without it, a burst on a
 * fresh process loses live events (see instructions/performance.md, "subscriber startup race").
 */
export async function warmSubscribers(urls: string[]): Promise<void> {
  const streams = await Promise.all(
    urls.map(async (url, i) => openIdleStream(url, "/api/matching/events", await mintSessionCookie(AUTH_SECRET, `warm${i}`))),
  );
  await new Promise((r) => setTimeout(r, 1_000));
  streams.forEach((s) => s.close());
}

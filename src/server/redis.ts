import "server-only";
import Redis, { type RedisOptions } from "ioredis";
import { getEnv } from "./env";
import { DependencyUnavailableError } from "./http/dependency-errors";
import { logger } from "./logger";

const holder = globalThis as unknown as { __mmRedis?: { command: Redis; subscriberFactory: () => Redis } | null };

/** Options of the shared command connection (exported for its test). */
export const COMMAND_OPTIONS: RedisOptions = {
  // Fail a command after a short outage instead of hanging the request; the route answers 503.
  maxRetriesPerRequest: 2,
  enableOfflineQueue: true,
  connectTimeout: 5_000,
  // A Redis that accepts connections but hangs must not hang requests: fail them (503) instead.
  commandTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  // A command already on the wire when the connection drops may have run: fail it (the route
  // answers 503, the client re-reads its state) instead of running it a second time after the
  // reconnect. ioredis's default resends it, and a resent skip ended a conversation that had
  // started in between (bench:faults, redis-drop). Commands not yet sent still wait for the
  // reconnect (offline queue): they never ran.
  autoResendUnfulfilledCommands: false,
};

/**
 * The shared Redis command connection and a factory for the one subscriber connection per
 * process, or null on the embedded default (no REDIS_URL).
 */
export function getRedis(): { command: Redis; subscriberFactory: () => Redis } | null {
  if (holder.__mmRedis !== undefined) return holder.__mmRedis;
  const url = getEnv().redisUrl;
  if (!url) return (holder.__mmRedis = null);
  const command = new Redis(url, { ...COMMAND_OPTIONS, connectionName: "mm-command" });
  command.on("error", (err) => logger.warn({ err: err.message }, "redis command connection error"));
  failUnansweredOnClose(command);
  const subscriberFactory = () => {
    // No ready check: it sends INFO, which a connection already in subscriber mode refuses, and
    // streams opened while it connects would then never get their SUBSCRIBE through.
    const sub = new Redis(url, {
      ...COMMAND_OPTIONS,
      autoResendUnfulfilledCommands: true,
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      connectionName: "mm-subscriber",
    });
    sub.on("error", (err) => logger.warn({ err: err.message }, "redis subscriber connection error"));
    return sub;
  };
  holder.__mmRedis = { command, subscriberFactory };
  return holder.__mmRedis;
}

/**
 * With resending off, ioredis keeps the commands that were on the wire when the connection closed
 * until their command timeout (2 s) fails them; a request (and the matching store's next batch)
 * would wait that long for nothing. Fail them as soon as the connection is known to be gone.
 * `commandQueue` is ioredis's own queue of sent, unanswered commands (public, undocumented).
 */
export function failUnansweredOnClose(client: Redis): void {
  client.on("close", () => {
    const unanswered = client.commandQueue;
    while (unanswered.length > 0) {
      unanswered
        .shift()!
        .command.reject(
          new DependencyUnavailableError("redis", "Redis connection lost before the answer: the command may or may not have run"),
        );
    }
  });
}

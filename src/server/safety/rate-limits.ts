import "server-only";
import type Redis from "ioredis";
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

/**
 * Named per-key rate limits (policy and numbers in instructions/safety-and-operations.md).
 *
 * With a Redis client the counters live in Redis, so every app instance shares them. If Redis is
 * not reachable, each limiter falls back to an in-process "insurance" limiter with the same
 * numbers (rate-limiter-flexible's `insuranceLimiter`): limits keep working per instance instead of
 * failing the request, and the switch is logged. Only an unexpected error beyond that fails open
 * (allowed, logged): a broken rate limiter must never turn user actions into 5xx.
 */

export const LIMIT_NAMES = ["enqueue", "chat", "typing", "reports", "signIn", "blocks", "friendCalls", "reveal"] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface LimitWindow {
  points: number;
  durationSec: number;
}
export interface LimitSpec extends LimitWindow {
  /** extra allowance used only once `points` is spent (rate-limiter-flexible BurstyRateLimiter) */
  burst?: LimitWindow;
}

export const DEFAULT_LIMITS: Readonly<Record<LimitName, LimitSpec>> = {
  /** enqueue and skip share this key space (per user) */
  enqueue: { points: 30, durationSec: 60 },
  /** per user: 20 messages per 10 s, plus a reserve of 10 more per minute for quick bursts */
  chat: { points: 20, durationSec: 10, burst: { points: 10, durationSec: 60 } },
  /** per user; the client throttles to ~1 per 2 s, this only stops floods */
  typing: { points: 30, durationSec: 10 },
  /** per user */
  reports: { points: 10, durationSec: 3600 },
  /** guest sign-ins per client IP */
  signIn: { points: 20, durationSec: 600 },
  /** per user */
  blocks: { points: 30, durationSec: 3600 },
  /** friend calls placed, per caller: enough to retry a missed call, not to ring someone all day */
  friendCalls: { points: 10, durationSec: 600 },
  /** per user; a reveal is idempotent, this only stops floods */
  reveal: { points: 30, durationSec: 60 },
};

export type ConsumeResult = { ok: true } | { ok: false; retryAfterMs: number };

export interface NamedLimiter {
  readonly name: LimitName;
  readonly spec: LimitSpec;
  /** Never throws: over the limit is `{ ok: false, retryAfterMs > 0 }`. */
  consume(key: string, points?: number): Promise<ConsumeResult>;
  /** Forget a key's counters (tests, moderator actions). */
  reset(key: string): Promise<void>;
}

export type RateLimits = Readonly<Record<LimitName, NamedLimiter>>;

/** The subset of a pino logger used here. */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface RateLimitsOptions {
  /** shared counters across instances; omit for per-process memory counters */
  redis?: Redis;
  /** Redis key prefix; each limiter uses `<namespace>:<name>` (one key per limited key) */
  namespace?: string;
  /** false (DISABLE_RATE_LIMITS, load tests): every consume succeeds */
  enabled?: boolean;
  /** override numbers, e.g. in tests */
  limits?: Partial<Record<LimitName, LimitSpec>>;
  logger?: WarnLogger;
}

const consoleLogger: WarnLogger = { warn: (obj, msg) => console.warn(msg, obj) };
/** At most one "Redis unavailable" log line per limiter per this many ms. */
const FALLBACK_LOG_INTERVAL_MS = 60_000;

export function createRateLimits(options: RateLimitsOptions = {}): RateLimits {
  const { redis, namespace = "rl", enabled = true, logger = consoleLogger } = options;
  const entries = LIMIT_NAMES.map((name) => {
    const spec = options.limits?.[name] ?? DEFAULT_LIMITS[name];
    const limiter = enabled
      ? buildLimiter(name, spec, { redis, keyPrefix: `${namespace}:${name}`, logger })
      : disabledLimiter(name, spec);
    return [name, limiter] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as Record<LimitName, NamedLimiter>);
}

interface BuildContext {
  redis?: Redis;
  keyPrefix: string;
  logger: WarnLogger;
}

function buildLimiter(name: LimitName, spec: LimitSpec, ctx: BuildContext): NamedLimiter {
  const main = storeLimiter(name, spec, ctx.keyPrefix, ctx);
  const burst = spec.burst ? storeLimiter(name, spec.burst, `${ctx.keyPrefix}:burst`, ctx) : undefined;
  const consumer = burst ? new BurstyRateLimiter(main, burst) : main;

  return {
    name,
    spec,
    async consume(key, points = 1) {
      try {
        await consumer.consume(key, points);
        return { ok: true };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, Math.ceil(err.msBeforeNext)) };
        ctx.logger.warn({ err, limiter: name }, "rate limiter failed; allowing the request (fail-open)");
        return { ok: true };
      }
    },
    async reset(key) {
      await Promise.all([main.delete(key), burst?.delete(key)]);
    },
  };
}

function storeLimiter(name: LimitName, window: LimitWindow, keyPrefix: string, ctx: BuildContext): RateLimiterAbstract {
  const base = { keyPrefix, points: window.points, duration: window.durationSec };
  if (!ctx.redis) return new RateLimiterMemory(base);
  return new RateLimiterRedis({
    ...base,
    storeClient: ctx.redis, // ioredis is the library's default client: no useRedisPackage flag
    // Do not queue behind a reconnecting client: go straight to the insurance limiter.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new LoggedInsuranceLimiter(base, () =>
      ctx.logger.warn({ limiter: name, keyPrefix }, "Redis unavailable for rate limiting; using per-instance limits"),
    ),
  });
}

/** The in-memory fallback, logging (throttled) whenever it is used. */
class LoggedInsuranceLimiter extends RateLimiterMemory {
  private lastLogAt = Number.NEGATIVE_INFINITY;

  constructor(
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(opts);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>): Promise<RateLimiterRes> {
    const now = Date.now();
    if (now - this.lastLogAt >= FALLBACK_LOG_INTERVAL_MS) {
      this.lastLogAt = now;
      this.onUse();
    }
    return super.consume(...args);
  }
}

function disabledLimiter(name: LimitName, spec: LimitSpec): NamedLimiter {
  return { name, spec, consume: async () => ({ ok: true }), reset: async () => {} };
}

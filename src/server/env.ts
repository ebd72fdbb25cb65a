import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDuration } from "@/lib/duration";
import { REVEAL_MODES } from "@/lib/schemas";
import { roomPrefixFromNamespace } from "./livekit/room-names";

/**
 * The one place that reads `process.env`. Every variable is validated here, with the embedded
 * defaults of the README "Configuration" table, so the app runs with no environment at all in development and
 * refuses unsafe defaults in production.
 */

const LIVEKIT_DEV = { url: "ws://localhost:7880", key: "devkey", secret: "secret" };

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes" || v === "on");

const duration = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseDuration(v && v.trim() !== "" ? v : fallback);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    });

const intWithin = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .optional()
    .transform((v) => v ?? fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: optionalString.pipe(z.url().optional()),
  DATABASE_URL: optionalString,
  DATABASE_QUERY_TIMEOUT: duration("5s"),
  DATA_DIR: optionalString,
  REDIS_URL: optionalString,
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "letters, digits, _ and - only")
    .optional(),
  SINGLE_INSTANCE: bool,
  AUTH_SECRET: optionalString,
  LIVEKIT_URL: optionalString,
  LIVEKIT_API_URL: optionalString,
  LIVEKIT_API_KEY: optionalString,
  LIVEKIT_API_SECRET: optionalString,
  LIVEKIT_ROOM_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,32}$/, "letters, digits and - only (no _)")
    .optional(),
  CRON_SECRET: optionalString,
  ADMIN_TOKEN: optionalString,
  METRICS_TOKEN: optionalString,
  MAINTENANCE_MODE: bool,
  MAINTENANCE_MESSAGE: optionalString,
  REVEAL_MODE: optionalString.pipe(z.enum(REVEAL_MODES).optional()),
  REMATCH_WINDOW: duration("24h"),
  RELAX_MOOD_AFTER: duration("10s"),
  SKIP_FREE: intWithin(10, 0, 10_000),
  SKIP_WINDOW: duration("10m"),
  PRESENCE_TIMEOUT: duration("60s"),
  MATCH_WINDOW: intWithin(200, 1, 1000),
  CHAT_BLOCKED_WORDS: optionalString,
  REPORT_RETENTION: duration("90d"),
  DISABLE_RATE_LIMITS: bool,
  ALLOW_DISABLED_RATE_LIMITS: bool,
  ALLOW_INSECURE_APP_URL: bool,
  SIGNIN_LIMIT: intWithin(20, 1, 1_000_000),
  TRUSTED_PROXY_HOPS: intWithin(0, 0, 20),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
});

export type Env = ReturnType<typeof buildEnv>;

function buildEnv(source: Record<string, string | undefined>) {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const livekitUrl = e.LIVEKIT_URL ?? LIVEKIT_DEV.url;
  return {
    nodeEnv: e.NODE_ENV,
    production,
    appUrl: e.APP_URL,
    databaseUrl: e.DATABASE_URL,
    /** Bound of one Postgres query (statement_timeout; db/client.ts): over it the request gets 503. */
    databaseQueryTimeoutMs: e.DATABASE_QUERY_TIMEOUT,
    dataDir: e.DATA_DIR ?? ".data",
    redisUrl: e.REDIS_URL,
    /** Prefix part of every Redis key, so several deployments (or test runs) can share one Redis. */
    redisNamespace: e.REDIS_NAMESPACE ?? "mm",
    singleInstance: e.SINGLE_INSTANCE,
    authSecret: e.AUTH_SECRET ?? devSecret(e.DATA_DIR ?? ".data", production),
    authSecretIsGenerated: e.AUTH_SECRET === undefined,
    livekit: {
      /** What browsers connect to. */
      url: livekitUrl,
      /** What the server calls for RoomService (defaults to the same host over http). */
      apiUrl: e.LIVEKIT_API_URL ?? livekitUrl.replace(/^ws(s?):\/\//, "http$1://"),
      apiKey: e.LIVEKIT_API_KEY ?? LIVEKIT_DEV.key,
      apiSecret: e.LIVEKIT_API_SECRET ?? LIVEKIT_DEV.secret,
      /** Rooms are `<prefix>_<sessionId>`; deployments sharing a LiveKit project need distinct prefixes. */
      roomPrefix: e.LIVEKIT_ROOM_PREFIX ?? roomPrefixFromNamespace(e.REDIS_NAMESPACE ?? "mm"),
    },
    cronSecret: e.CRON_SECRET,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    maintenance: {
      enabled: e.MAINTENANCE_MODE,
      message: e.MAINTENANCE_MESSAGE ?? "We are doing maintenance. Please come back in a few minutes.",
    },
    /** Consent-first video: `consent` (default) blurs every new call's camera until both press Reveal. */
    revealMode: e.REVEAL_MODE ?? "consent",
    matching: {
      rematchWindowMs: e.REMATCH_WINDOW,
      relaxMoodAfterMs: e.RELAX_MOOD_AFTER,
      skipFree: e.SKIP_FREE,
      skipWindowMs: e.SKIP_WINDOW,
      presenceTimeoutMs: e.PRESENCE_TIMEOUT,
      window: e.MATCH_WINDOW,
    },
    chatBlockedWords: (e.CHAT_BLOCKED_WORDS ?? "")
      .split(",")
      .map((w) => w.trim().toLowerCase())
      .filter(Boolean),
    /** Resolved reports and their chat context are deleted this long after resolution. */
    reportRetentionMs: e.REPORT_RETENTION,
    rateLimitsEnabled: !e.DISABLE_RATE_LIMITS,
    /** Explicit opt-ins a production start needs for load tests and loopback test servers (see productionProblems). */
    allowDisabledRateLimits: e.ALLOW_DISABLED_RATE_LIMITS,
    allowInsecureAppUrl: e.ALLOW_INSECURE_APP_URL,
    /** Guest sign-ins per client IP per 10 minutes. */
    signInLimit: e.SIGNIN_LIMIT,
    /**
     * Proxies in front of the app that append to `x-forwarded-for`; the client address is that many
     * entries from the right. 0: directly exposed, forwarding headers ignored (src/server/http/client-address.ts).
     */
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "warn" : "info"),
  };
}

let generatedSecret: string | undefined;
/**
 * Without AUTH_SECRET, development uses a random secret kept in the data folder so that
 * restarts (and every process of `next dev`) keep the same sessions. Production refuses it.
 */
function devSecret(dataDir: string, production: boolean) {
  if (generatedSecret) return generatedSecret;
  const file = path.resolve(dataDir, "dev-auth-secret");
  try {
    generatedSecret = readFileSync(file, "utf8").trim();
  } catch {
    generatedSecret = randomBytes(32).toString("base64url");
    if (!production) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, generatedSecret, { mode: 0o600 });
      } catch {
        // read-only disk: sessions just won't survive a restart
      }
    }
  }
  return generatedSecret;
}

/** Secrets shorter than this are refused in production (a brute-forceable bearer or cookie key). */
export const MIN_SECRET_LENGTH = 32;

/**
 * Problems that make a production deployment unsafe, one sentence each; empty when all is well
 * (instructions/safety-and-operations.md "Production refuses what is unsafe").
 */
export function productionProblems(env: Env): string[] {
  if (!env.production) return [];
  const problems: string[] = [];
  if (env.authSecretIsGenerated)
    problems.push("AUTH_SECRET is not set (sessions would not survive a restart and differ per instance).");
  else if (env.authSecret.length < MIN_SECRET_LENGTH)
    problems.push(`AUTH_SECRET is shorter than ${MIN_SECRET_LENGTH} characters (generate one: openssl rand -base64 32).`);
  if (env.livekit.apiKey === LIVEKIT_DEV.key || env.livekit.apiSecret === LIVEKIT_DEV.secret)
    problems.push("LIVEKIT_API_KEY / LIVEKIT_API_SECRET are the livekit-server --dev defaults.");
  if (!env.redisUrl && !env.singleInstance)
    problems.push("REDIS_URL is not set; set SINGLE_INSTANCE=1 if this really is a single-instance deployment.");
  if (env.redisUrl && !env.databaseUrl)
    problems.push("REDIS_URL is set but DATABASE_URL is not: every instance would keep its own embedded database.");
  if (!env.appUrl) problems.push("APP_URL is not set (needed for sign-in URLs, secure cookies and Origin checks).");
  else if (insecureAppUrl(env.appUrl) && !env.allowInsecureAppUrl)
    problems.push(
      "APP_URL is http:// (session cookies would travel in clear text); use https://, or set ALLOW_INSECURE_APP_URL=1 for a test server.",
    );
  if (env.livekit.apiSecret.length < 32 && env.livekit.apiSecret !== LIVEKIT_DEV.secret)
    problems.push("LIVEKIT_API_SECRET is shorter than 32 characters.");
  if (!env.rateLimitsEnabled && !env.allowDisabledRateLimits)
    problems.push(
      "DISABLE_RATE_LIMITS is set; rate limits must stay on in production (load tests: also set ALLOW_DISABLED_RATE_LIMITS=1).",
    );
  if (!env.cronSecret)
    problems.push("CRON_SECRET is not set: the cleanup cron, the backstop that ends lost sessions and rooms, cannot run.");
  if (env.adminToken !== undefined && env.adminToken.length < MIN_SECRET_LENGTH)
    problems.push(`ADMIN_TOKEN is shorter than ${MIN_SECRET_LENGTH} characters (leave it unset to disable the admin API).`);
  return problems;
}

/**
 * http:// anywhere but loopback. A loopback APP_URL serves only this machine (a local production
 * build, the integration tests), so no cookie crosses a network in clear text.
 */
function insecureAppUrl(appUrl: string): boolean {
  const url = new URL(appUrl);
  if (url.protocol === "https:") return false;
  return !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

let cached: Env | undefined;

/** The validated environment, parsed once. Throws a readable message when a value is invalid. */
export function getEnv(): Env {
  if (cached) return cached;
  const env = buildEnv(process.env);
  // During `next build` route modules are evaluated without the runtime secrets; check at start.
  const building = process.env.NEXT_PHASE === "phase-production-build";
  const problems = building ? [] : productionProblems(env);
  if (problems.length > 0) {
    throw new Error(`Refusing to start in production:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  cached = env;
  // next-auth v4 reads its own variables; derive them from ours so operators set one name.
  if (env.appUrl) process.env.NEXTAUTH_URL ??= env.appUrl;
  else process.env.AUTH_TRUST_HOST ??= "1";
  return env;
}

/** For tests: parse an explicit environment without caching it. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return buildEnv(source);
}

import { describe, expect, it } from "vitest";
import { parseEnv, productionProblems } from "./env";

describe("environment", () => {
  it("runs on embedded defaults with nothing set", () => {
    const env = parseEnv({ NODE_ENV: "development", DATA_DIR: "/tmp/mm-env-test" });
    expect(env.databaseUrl).toBeUndefined();
    expect(env.redisUrl).toBeUndefined();
    expect(env.livekit).toMatchObject({
      url: "ws://localhost:7880",
      apiUrl: "http://localhost:7880",
      apiKey: "devkey",
      apiSecret: "secret",
    });
    expect(env.matching).toMatchObject({ rematchWindowMs: 86_400_000, relaxMoodAfterMs: 10_000, skipFree: 10, window: 200 });
    expect(productionProblems(env)).toEqual([]);
  });

  it("refuses unsafe defaults in production, with a sentence per problem", () => {
    const env = parseEnv({ NODE_ENV: "production", DATA_DIR: "/tmp/mm-env-test" });
    const problems = productionProblems(env);
    expect(problems.join("\n")).toMatch(/AUTH_SECRET/);
    expect(problems.join("\n")).toMatch(/LIVEKIT_API_KEY/);
    expect(problems.join("\n")).toMatch(/REDIS_URL/);
    expect(problems.join("\n")).toMatch(/APP_URL/);
  });

  it("accepts a complete production setup", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      APP_URL: "https://chat.example.com",
      AUTH_SECRET: "x".repeat(40),
      REDIS_URL: "redis://redis:6379",
      LIVEKIT_URL: "wss://lk.example.com",
      LIVEKIT_API_KEY: "APIabc",
      LIVEKIT_API_SECRET: "y".repeat(40),
      DATABASE_URL: "postgres://db/moodmatch",
      CRON_SECRET: "cron-secret",
    });
    expect(productionProblems(env)).toEqual([]);
    expect(env.livekit.apiUrl).toBe("https://lk.example.com");
  });

  it("explains invalid values", () => {
    expect(() => parseEnv({ REMATCH_WINDOW: "forever" })).toThrow(/REMATCH_WINDOW/);
    expect(() => parseEnv({ SKIP_FREE: "-3" })).toThrow(/SKIP_FREE/);
    expect(() => parseEnv({ REVEAL_MODE: "blurry" })).toThrow(/REVEAL_MODE/);
  });

  it("REVEAL_MODE: consent unless open is asked for", () => {
    expect(parseEnv({ DATA_DIR: "/tmp/mm-env-test" }).revealMode).toBe("consent");
    expect(parseEnv({ DATA_DIR: "/tmp/mm-env-test", REVEAL_MODE: "" }).revealMode).toBe("consent");
    expect(parseEnv({ DATA_DIR: "/tmp/mm-env-test", REVEAL_MODE: "open" }).revealMode).toBe("open");
  });
});

describe("TRUSTED_PROXY_HOPS", () => {
  it("defaults to 0 (directly exposed) and accepts a small non-negative integer", () => {
    expect(parseEnv({}).trustedProxyHops).toBe(0);
    expect(parseEnv({ TRUSTED_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
    expect(() => parseEnv({ TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => parseEnv({ TRUSTED_PROXY_HOPS: "1.5" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => parseEnv({ TRUSTED_PROXY_HOPS: "lots" })).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});

describe("production refuses what is unsafe", () => {
  const safe = {
    NODE_ENV: "production",
    APP_URL: "https://chat.example.com",
    AUTH_SECRET: "a".repeat(32),
    REDIS_URL: "redis://redis:6379",
    DATABASE_URL: "postgres://db/moodmatch",
    LIVEKIT_URL: "wss://lk.example.com",
    LIVEKIT_API_KEY: "APIabc",
    LIVEKIT_API_SECRET: "y".repeat(40),
    CRON_SECRET: "cron-secret",
    ADMIN_TOKEN: "t".repeat(32),
  };
  const problems = (overrides: Record<string, string | undefined>) => productionProblems(parseEnv({ ...safe, ...overrides }));

  it("accepts the safe baseline", () => {
    expect(problems({})).toEqual([]);
  });

  it.each([
    ["DISABLE_RATE_LIMITS", { DISABLE_RATE_LIMITS: "1" }, /DISABLE_RATE_LIMITS/],
    ["an http:// APP_URL", { APP_URL: "http://chat.example.com" }, /APP_URL is http:\/\//],
    ["Redis without DATABASE_URL", { DATABASE_URL: undefined }, /REDIS_URL is set but DATABASE_URL is not/],
    ["a weak AUTH_SECRET", { AUTH_SECRET: "a".repeat(31) }, /AUTH_SECRET is shorter than 32/],
    ["a weak ADMIN_TOKEN", { ADMIN_TOKEN: "dev-admin-token" }, /ADMIN_TOKEN is shorter than 32/],
    ["a missing CRON_SECRET", { CRON_SECRET: undefined }, /CRON_SECRET is not set/],
    ["an empty CRON_SECRET", { CRON_SECRET: "  " }, /CRON_SECRET is not set/],
  ])("refuses %s, with exactly one line", (_, overrides, line) => {
    const found = problems(overrides);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(line);
  });

  it("takes explicit, separate opt-ins for load tests and test servers, never silently", () => {
    expect(problems({ DISABLE_RATE_LIMITS: "1", ALLOW_DISABLED_RATE_LIMITS: "1" })).toEqual([]);
    expect(problems({ APP_URL: "http://10.0.0.5:3000", ALLOW_INSECURE_APP_URL: "1" })).toEqual([]);
    expect(problems({ ALLOW_DISABLED_RATE_LIMITS: "1", APP_URL: "http://chat.example.com" })).toHaveLength(1);
  });

  it("allows http:// on loopback only (a local production build serves this machine alone)", () => {
    for (const url of ["http://localhost:3000", "http://127.0.0.1:4321", "http://[::1]:3000"])
      expect(problems({ APP_URL: url })).toEqual([]);
    for (const url of ["http://127.0.0.1.example.com", "http://localhost.evil.com", "http://0.0.0.0:3000"])
      expect(problems({ APP_URL: url })).toHaveLength(1);
  });

  it("lets the admin API stay off: an unset ADMIN_TOKEN is fine", () => {
    expect(problems({ ADMIN_TOKEN: undefined })).toEqual([]);
  });

  it("allows PGlite for a single instance without Redis", () => {
    expect(problems({ REDIS_URL: undefined, DATABASE_URL: undefined, SINGLE_INSTANCE: "1" })).toEqual([]);
  });
});

describe("LIVEKIT_ROOM_PREFIX", () => {
  it("defaults to REDIS_NAMESPACE (mm), with _ turned into -, and refuses _", () => {
    expect(parseEnv({}).livekit.roomPrefix).toBe("mm");
    expect(parseEnv({ REDIS_NAMESPACE: "staging_eu" }).livekit.roomPrefix).toBe("staging-eu");
    expect(parseEnv({ REDIS_NAMESPACE: "x", LIVEKIT_ROOM_PREFIX: "prod-1" }).livekit.roomPrefix).toBe("prod-1");
    expect(() => parseEnv({ LIVEKIT_ROOM_PREFIX: "a_b" })).toThrow(/LIVEKIT_ROOM_PREFIX/);
  });
});

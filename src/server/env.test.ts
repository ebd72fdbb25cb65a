import { describe, expect, it } from "vitest";
import { parseEnv, productionProblems } from "./env";

describe("environment", () => {
  it("runs on embedded defaults with nothing set", () => {
    const env = parseEnv({ NODE_ENV: "development", DATA_DIR: "/tmp/mm-env-test" });
    expect(env.databaseUrl).toBeUndefined();
    expect(env.redisUrl).toBeUndefined();
    expect(env.livekit).toMatchObject({ url: "ws://localhost:7880", apiUrl: "http://localhost:7880", apiKey: "devkey", apiSecret: "secret" });
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
    });
    expect(productionProblems(env)).toEqual([]);
    expect(env.livekit.apiUrl).toBe("https://lk.example.com");
  });

  it("explains invalid values", () => {
    expect(() => parseEnv({ REMATCH_WINDOW: "forever" })).toThrow(/REMATCH_WINDOW/);
    expect(() => parseEnv({ SKIP_FREE: "-3" })).toThrow(/SKIP_FREE/);
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

import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisEventBus } from "@/server/events";
import { openEventStream } from "@/server/sessions/stream";
import { apiRequest, createHarness, type Harness } from "@test/support/harness";
import { SseReader } from "@test/support/sse-reader";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";

/**
 * The maintenance notice is published fire-and-forget on every stream connect. When that publish
 * fails (here: a real Redis user without script permission, so EVALSHA answers NOPERM while reads
 * and pub/sub work), the failure is logged, never an unhandled rejection
 * (instructions/safety-and-operations.md "Fire-and-forget publishes").
 */
const ACL_USER = uniqueNamespace("nopublish");
const PASSWORD = "nopublish-password";
let h: Harness;
let admin: Redis;
let limited: Redis;
let subscriber: Redis;

beforeAll(async () => {
  h = await createHarness();
  admin = new Redis(TEST_REDIS_URL);
  await admin.call("ACL", "SETUSER", ACL_USER, "on", `>${PASSWORD}`, "~*", "&*", "+@all", "-@scripting");
  const url = new URL(TEST_REDIS_URL);
  url.username = ACL_USER;
  url.password = PASSWORD;
  limited = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
  subscriber = new Redis(url.toString(), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  limited?.disconnect();
  subscriber?.disconnect();
  await admin?.call("ACL", "DELUSER", ACL_USER).catch(() => {});
  admin?.disconnect();
  await h?.close();
});

describe("maintenance notice publish failure", () => {
  it("is logged and never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const warnings: string[] = [];
    const bus = createRedisEventBus({ redis: limited, createSubscriber: () => subscriber, namespace: h.namespace });
    const deps = {
      ...h.deps,
      bus,
      maintenance: { enabled: true, message: "back soon" },
      log: { ...h.deps.log, warn: (_: unknown, message: string) => void warnings.push(message) },
    } as typeof h.deps;
    const user = await h.newUser("Waiting");
    let res: Response | undefined;
    try {
      res = openEventStream(deps, apiRequest(user, "/api/matching/events", { headers: {} }), user.id);
      const reader = new SseReader(res);
      const [first] = await reader.events(1);
      expect(first).toMatchObject({ event: "state" });
      // Let the notice's publish fail and any rejection surface.
      await new Promise((r) => setTimeout(r, 300));
      expect(unhandled).toEqual([]);
      expect(warnings).toContain("could not publish the maintenance notice");
    } finally {
      await res?.body?.cancel().catch(() => {});
      process.off("unhandledRejection", onUnhandled);
      await bus.close().catch(() => {});
    }
  });
});

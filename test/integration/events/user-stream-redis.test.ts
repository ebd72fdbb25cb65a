import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createRedisEventBus, eventKeys } from "@/server/events/redis-bus";
import { chatFromPartner } from "@test/support/events";
import { SseReader } from "@test/support/sse-reader";
import { openUserEventStream } from "@/server/events/user-stream";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";

const namespace = uniqueNamespace("evs");
const connections: Redis[] = [];
function connect() {
  const redis = new Redis(TEST_REDIS_URL);
  connections.push(redis);
  return redis;
}
const admin = connect();
// Two app processes: the stream is served by one, events are published by the other.
const publisher = createRedisEventBus({ redis: connect(), createSubscriber: connect, namespace });
const server = createRedisEventBus({ redis: connect(), createSubscriber: connect, namespace });

afterAll(async () => {
  await Promise.all([publisher.close(), server.close()]);
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await admin.scan(cursor, "MATCH", `ev:{${namespace}:*`, "COUNT", 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  if (keys.length > 0) await admin.del(...keys);
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
});

const chat = chatFromPartner;

function stream(userId: string, lastEventId?: number) {
  const controller = new AbortController();
  let markOpen!: () => void;
  const opened = new Promise<void>((resolve) => (markOpen = resolve));
  const request = new Request("http://localhost/api/matching/events", {
    headers: lastEventId === undefined ? {} : { "last-event-id": String(lastEventId) },
    signal: controller.signal,
  });
  const response = openUserEventStream({
    request,
    bus: server,
    userId,
    snapshot: async () => ({ status: "idle" }),
    onOpen: markOpen,
  });
  return { reader: new SseReader(response), opened, abort: () => controller.abort() };
}

describe("user event stream over Redis", () => {
  it("streams state then events published by another process, and resumes after Last-Event-ID", async () => {
    await publisher.publish("carol", "chat", chat(1));
    const first = stream("carol");
    expect(await first.reader.events(1)).toEqual([{ id: "1", event: "state", data: { status: "idle" } }]);
    await first.opened;
    await publisher.publish("carol", "chat", chat(2));
    expect(await first.reader.events(1)).toEqual([{ id: "2", event: "chat", data: chat(2) }]);
    first.abort();
    await vi.waitFor(async () =>
      expect(await admin.call("PUBSUB", "NUMSUB", eventKeys(namespace, "carol").channel)).toEqual([
        eventKeys(namespace, "carol").channel,
        0,
      ]),
    );

    // Missed while disconnected.
    await publisher.publish("carol", "chat", chat(3));
    await publisher.publish("carol", "typing", { sessionId: "s1" });
    const second = stream("carol", 2);
    expect(await second.reader.events(2)).toEqual([
      { id: "4", event: "state", data: { status: "idle" } },
      { id: "3", event: "chat", data: chat(3) },
    ]);
    await second.opened;
    await publisher.publish("carol", "partner_left", { sessionId: "s1", reason: "skip" });
    expect(await second.reader.events(1)).toEqual([
      { id: "5", event: "partner_left", data: { sessionId: "s1", reason: "skip" } },
    ]);
    second.abort();
    expect(server.subscriberCount()).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { createMemoryEventBus } from "./memory-bus";

/** Expiry needs a clock, so it is tested here; the shared bus contract runs in integration. */
describe("memory event bus expiry", () => {
  it("drops the log ttl after its last write, and the sequence after its own ttl", async () => {
    let now = 1_000;
    const bus = createMemoryEventBus({ now: () => now, logTtlMs: 100, sequenceTtlMs: 1_000 });
    await bus.publish("u", "typing", { sessionId: "s" });
    now += 99;
    await bus.publish("u", "typing", { sessionId: "s" }); // refreshes the log ttl
    now += 99;
    expect((await bus.replay("u", 0)).map((e) => e.id)).toEqual([1, 2]);
    now += 1;
    expect(await bus.replay("u", 0)).toEqual([]);
    expect(await bus.lastId("u")).toBe(2);
    now += 1_000;
    expect(await bus.lastId("u")).toBe(0);
    expect(await bus.publish("u", "typing", { sessionId: "s" })).toBe(1);
  });

  it("does not refresh the log ttl when publishing state (it is not stored)", async () => {
    let now = 0;
    const bus = createMemoryEventBus({ now: () => now, logTtlMs: 100 });
    await bus.publish("u", "typing", { sessionId: "s" });
    now += 99;
    await bus.publish("u", "state", { status: "idle" });
    now += 1;
    expect(await bus.replay("u", 0)).toEqual([]);
    expect(await bus.lastId("u")).toBe(2);
  });

  it("forgets the logs of users nobody publishes to or reads again", async () => {
    let now = 0;
    const bus = createMemoryEventBus({ now: () => now, logTtlMs: 1_000, sequenceTtlMs: 10_000 });
    for (let i = 0; i < 500; i++) await bus.publish(`guest-${i}`, "typing", { sessionId: "s" }, `once-${i}`);
    expect(bus.trackedUsers()).toBe(500);
    now = 120_000;
    await bus.publish("someone-else", "typing", { sessionId: "s" });
    expect(bus.trackedUsers()).toBe(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventBus, StoredEvent } from "@/server/events/bus";
import { chatFromPartner } from "@test/support/events";

export interface BusPair {
  /** Where events are published. */
  publisher: EventBus;
  /** Where listeners live: another "process" for Redis, the same bus in memory. */
  listener: EventBus;
  dispose: () => Promise<void>;
}

/** The contract both drivers pass; the factory gets a log capacity of 5 to test the cap. */
export function describeEventBusContract(name: string, makePair: (opts: { logCapacity: number }) => Promise<BusPair>) {
  describe(`event bus contract: ${name}`, () => {
    let pair: BusPair;
    beforeEach(async () => {
      pair = await makePair({ logCapacity: 5 });
    });
    afterEach(async () => {
      await pair.dispose();
    });

    const chat = chatFromPartner;

    async function collect(bus: EventBus, userId: string) {
      const got: StoredEvent[] = [];
      const unsubscribe = bus.subscribe(userId, (e) => got.push(e));
      await unsubscribe.ready;
      return { got, unsubscribe };
    }

    it("hands out increasing ids per user, independently", async () => {
      const { publisher: bus } = pair;
      expect(await bus.lastId("alice")).toBe(0);
      expect(await bus.publish("alice", "typing", { sessionId: "s" })).toBe(1);
      expect(await bus.publish("alice", "chat", chat(1))).toBe(2);
      expect(await bus.publish("bob", "typing", { sessionId: "s" })).toBe(1);
      expect(await bus.lastId("alice")).toBe(2);
      expect(await bus.lastId("bob")).toBe(1);
    });

    it("publishes an event with a once key only once per user, answering the first id after", async () => {
      const { publisher: bus, listener } = pair;
      const { got, unsubscribe } = await collect(listener, "alice");
      const ended = { sessionId: "s1", reason: "skip" as const };
      expect(await bus.publish("alice", "partner_left", ended, "end:s1")).toBe(1);
      expect(await bus.publish("alice", "partner_left", ended, "end:s1")).toBe(1); // a resend
      expect(await bus.publish("bob", "session_ended", ended, "end:s1")).toBe(1); // per user
      expect(await bus.publish("alice", "partner_left", { sessionId: "s2", reason: "end" }, "end:s2")).toBe(2);
      await vi.waitFor(() => expect(got.map((e) => e.id)).toEqual([1, 2]));
      expect((await bus.replay("alice", 0)).map((e) => e.id)).toEqual([1, 2]);
      unsubscribe();
    });

    it("replays stored events after an id, oldest first, with their data", async () => {
      const { publisher: bus } = pair;
      await bus.publish("alice", "chat", chat(1));
      await bus.publish("alice", "chat", chat(2));
      await bus.publish("alice", "partner_left", { sessionId: "s1", reason: "skip" });
      expect(await bus.replay("alice", 1)).toEqual([
        { id: 2, name: "chat", data: chat(2) },
        { id: 3, name: "partner_left", data: { sessionId: "s1", reason: "skip" } },
      ]);
      expect(await bus.replay("alice", 3)).toEqual([]);
      expect(await bus.replay("nobody", 0)).toEqual([]);
    });

    it("gives state an id but never stores it", async () => {
      const { publisher: bus } = pair;
      await bus.publish("alice", "chat", chat(1));
      expect(await bus.publish("alice", "state", { status: "idle" })).toBe(2);
      await bus.publish("alice", "chat", chat(3));
      expect((await bus.replay("alice", 0)).map((e) => [e.id, e.name])).toEqual([
        [1, "chat"],
        [3, "chat"],
      ]);
    });

    it("keeps only the newest events up to the cap", async () => {
      const { publisher: bus } = pair;
      for (let i = 1; i <= 8; i++) await bus.publish("alice", "chat", chat(i));
      expect((await bus.replay("alice", 0)).map((e) => e.id)).toEqual([4, 5, 6, 7, 8]);
      expect(await bus.lastId("alice")).toBe(8);
    });

    it("delivers live events in order to every listener of that user only", async () => {
      const a1 = await collect(pair.listener, "alice");
      const a2 = await collect(pair.listener, "alice");
      const b = await collect(pair.listener, "bob");
      expect(pair.listener.subscriberCount()).toBe(3);
      for (let i = 1; i <= 5; i++) await pair.publisher.publish("alice", "chat", chat(i));
      await pair.publisher.publish("alice", "state", { status: "idle" });
      await vi.waitFor(() => expect(a1.got).toHaveLength(6));
      await vi.waitFor(() => expect(a2.got).toHaveLength(6));
      expect(a1.got.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(a1.got[5]).toEqual({ id: 6, name: "state", data: { status: "idle" } });
      expect(a2.got).toEqual(a1.got);
      // A later event for bob proves nothing of alice's went to bob.
      await pair.publisher.publish("bob", "typing", { sessionId: "b" });
      await vi.waitFor(() => expect(b.got).toHaveLength(1));
      expect(b.got[0]).toMatchObject({ id: 1, name: "typing" });
    });

    it("stops delivering after unsubscribe, which is idempotent", async () => {
      const kept = await collect(pair.listener, "alice");
      const dropped = await collect(pair.listener, "alice");
      dropped.unsubscribe();
      dropped.unsubscribe();
      expect(pair.listener.subscriberCount()).toBe(1);
      await pair.publisher.publish("alice", "typing", { sessionId: "s" });
      await vi.waitFor(() => expect(kept.got).toHaveLength(1));
      expect(dropped.got).toEqual([]);
      kept.unsubscribe();
      expect(pair.listener.subscriberCount()).toBe(0);
    });

    it("isolates a throwing listener from the others", async () => {
      const throwing = vi.fn(() => {
        throw new Error("boom");
      });
      const boom = pair.listener.subscribe("alice", throwing);
      const ok = await collect(pair.listener, "alice");
      await boom.ready;
      await pair.publisher.publish("alice", "typing", { sessionId: "s" });
      await pair.publisher.publish("alice", "typing", { sessionId: "s" });
      await vi.waitFor(() => expect(ok.got).toHaveLength(2));
      expect(throwing).toHaveBeenCalledTimes(2);
      boom();
    });

    it("rejects user ids that would break key hash tags", async () => {
      await expect(pair.publisher.publish("a}b", "typing", { sessionId: "s" })).rejects.toThrow(/invalid user id/);
      expect(() => pair.listener.subscribe("", () => {})).toThrow(/invalid user id/);
    });
  });
}

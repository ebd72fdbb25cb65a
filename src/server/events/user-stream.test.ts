import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { ServerEventName, ServerEvents } from "@/lib/schemas";
import type { EventBus } from "./bus";
import { createMemoryEventBus } from "./memory-bus";
import { openUserEventStream } from "./user-stream";
import { SseReader } from "@test/support/sse-reader";

const USER = "u1";
const IDLE: ServerEvents["state"] = { status: "idle" };

type Stage = "beforeLastId" | "inSnapshot" | "beforeReplay" | "afterReplay";
type Publish = { [N in ServerEventName]: [N, ServerEvents[N]] }[ServerEventName];

const chat = (n: number): ["chat", ServerEvents["chat"]] => [
  "chat",
  { sessionId: "s1", id: `m${n}`, text: `hello ${n}`, sentAt: "2025-01-01T00:00:00.000Z", from: "partner" },
];
const SAMPLES: Publish[] = [
  ["queue", { position: 1, waiting: 3, estimatedWaitMs: 1000 }],
  ["typing", { sessionId: "s1" }],
  ["partner_left", { sessionId: "s1", reason: "skip" }],
  ["session_ended", { sessionId: "s1", reason: "end" }],
  ["cooldown", { until: "2025-01-01T00:01:00.000Z" }],
  chat(0),
];

/** A bus that runs a hook at each step of the stream's setup, to publish "concurrently". */
function hookedBus(inner: EventBus, hooks: Partial<Record<Stage, () => Promise<void>>>): EventBus {
  return {
    ...inner,
    async lastId(userId) {
      await hooks.beforeLastId?.();
      return inner.lastId(userId);
    },
    async replay(userId, afterId) {
      await hooks.beforeReplay?.();
      const events = await inner.replay(userId, afterId);
      await hooks.afterReplay?.();
      return events;
    },
  };
}

function open(
  bus: EventBus,
  opts: { lastEventId?: number; signal?: AbortSignal; snapshot?: () => Promise<ServerEvents["state"]> } = {},
) {
  let markOpened!: () => void;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const onOpen = vi.fn(() => markOpened());
  const onClose = vi.fn();
  const headers: Record<string, string> = opts.lastEventId === undefined ? {} : { "last-event-id": String(opts.lastEventId) };
  const request = new Request("http://localhost/api/matching/events", { headers, signal: opts.signal });
  const response = openUserEventStream({
    request,
    bus,
    userId: USER,
    snapshot: opts.snapshot ?? (async () => IDLE),
    onOpen,
    onClose,
  });
  return { reader: new SseReader(response), onOpen, onClose, opened };
}

/** Reads events until the `maintenance` sentinel (published live once the stream is open). */
async function readUntilSentinel(reader: SseReader) {
  const seen: Array<{ id: number; event: string }> = [];
  for (;;) {
    const [e] = await reader.events(1);
    if (e.event === "maintenance") return seen;
    seen.push({ id: Number(e.id), event: e.event! });
  }
}

describe("openUserEventStream", () => {
  it("sends state first, with the bus's last id, then live events", async () => {
    const bus = createMemoryEventBus();
    await bus.publish(USER, "queue", { position: 2, waiting: 2, estimatedWaitMs: 0 });
    await bus.publish(USER, ...chat(1));
    const { reader, onOpen } = open(bus, {
      snapshot: async () => ({ status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 }),
    });
    const [state] = await reader.events(1);
    expect(state).toEqual({ id: "2", event: "state", data: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 } });
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalledTimes(1));
    await bus.publish(USER, ...chat(2));
    expect(await reader.events(1)).toEqual([{ id: "3", event: "chat", data: chat(2)[1] }]);
    await reader.cancel();
  });

  it("replays missed notices after Last-Event-ID, but not what state supersedes", async () => {
    const bus = createMemoryEventBus();
    await bus.publish(USER, "matched", {
      session: {
        id: "s1",
        roomName: "mm_s1",
        createdAt: "x",
        partner: { nickname: "a", avatar: null, mood: "chill", commonInterests: [] },
        revealed: { me: false, partner: false },
      },
      livekit: { url: "ws://x", token: "t" },
    }); // 1
    await bus.publish(USER, ...chat(1)); // 2 (seen)
    await bus.publish(USER, ...chat(2)); // 3
    await bus.publish(USER, "typing", { sessionId: "s1" }); // 4
    await bus.publish(USER, "partner_left", { sessionId: "s1", reason: "skip" }); // 5
    await bus.publish(USER, "queue", { position: 1, waiting: 1, estimatedWaitMs: 0 }); // 6
    const { reader, onOpen } = open(bus, { lastEventId: 2 });
    const [state] = await reader.events(1);
    expect(state.id).toBe("6");
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalled());
    await bus.publish(USER, "maintenance", { message: "sentinel" });
    expect(await readUntilSentinel(reader)).toEqual([
      { id: 3, event: "chat" },
      { id: 5, event: "partner_left" },
    ]);
    await reader.cancel();
  });

  it("copes with a Last-Event-ID beyond the sequence (expired or foreign)", async () => {
    const bus = createMemoryEventBus();
    await bus.publish(USER, ...chat(1));
    const { reader, onOpen } = open(bus, { lastEventId: 99 });
    expect((await reader.events(1))[0]).toMatchObject({ id: "1", event: "state" });
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalled());
    await bus.publish(USER, ...chat(2));
    expect((await reader.events(1))[0]).toMatchObject({ id: "2", event: "chat" });
    await reader.cancel();
  });

  it("releases the subscription and calls onClose when the client leaves", async () => {
    const bus = createMemoryEventBus();
    const controller = new AbortController();
    const { reader, onOpen, onClose } = open(bus, { signal: controller.signal });
    await reader.events(1);
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalled());
    expect(bus.subscriberCount()).toBe(1);
    controller.abort();
    expect(bus.subscriberCount()).toBe(0);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("runs the heartbeat while open and stops it on close", async () => {
    vi.useFakeTimers();
    try {
      const bus = createMemoryEventBus();
      const controller = new AbortController();
      const run = vi.fn();
      let markOpened!: () => void;
      const opened = new Promise<void>((resolve) => (markOpened = resolve));
      const request = new Request("http://localhost/e", { signal: controller.signal });
      openUserEventStream({
        request,
        bus,
        userId: USER,
        snapshot: async () => IDLE,
        onOpen: markOpened,
        heartbeat: { intervalMs: 20_000, run },
      });
      await opened;
      await vi.advanceTimersByTimeAsync(40_000);
      expect(run).toHaveBeenCalledTimes(2);
      controller.abort();
      await vi.advanceTimersByTimeAsync(40_000);
      expect(run).toHaveBeenCalledTimes(2);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("releases the subscription when the client leaves during the snapshot", async () => {
    const bus = createMemoryEventBus();
    const controller = new AbortController();
    let finishSnapshot!: () => void;
    const snapshotStarted = vi.fn();
    const { reader, onOpen, onClose } = open(bus, {
      signal: controller.signal,
      snapshot: () => {
        snapshotStarted();
        return new Promise((resolve) => (finishSnapshot = () => resolve(IDLE)));
      },
    });
    await vi.waitFor(() => expect(snapshotStarted).toHaveBeenCalled());
    expect(bus.subscriberCount()).toBe(1);
    controller.abort();
    expect(bus.subscriberCount()).toBe(0);
    finishSnapshot();
    expect(await reader.next()).toBeNull();
    expect(onOpen).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("delivers every event with no gap and no duplicate, whatever happens during setup", async () => {
    const stages: Stage[] = ["beforeLastId", "inSnapshot", "beforeReplay", "afterReplay"];
    const publishArb = fc.constantFrom(...SAMPLES);
    await fc.assert(
      fc.asyncProperty(
        fc.array(publishArb, { maxLength: 6 }),
        fc.record(
          Object.fromEntries(stages.map((s) => [s, fc.array(publishArb, { maxLength: 3 })])) as Record<
            Stage,
            fc.Arbitrary<Publish[]>
          >,
        ),
        fc.option(fc.nat({ max: 8 }), { nil: undefined }),
        async (before, during, lastEventId) => {
          const inner = createMemoryEventBus();
          const published: Array<{ id: number; name: ServerEventName }> = [];
          const publish = async (list: Publish[]) => {
            for (const [name, data] of list) published.push({ id: await inner.publish(USER, name, data as never), name });
          };
          await publish(before);
          const hooks = Object.fromEntries(stages.filter((s) => s !== "inSnapshot").map((s) => [s, () => publish(during[s])]));
          const bus = hookedBus(inner, hooks);
          const { reader, opened } = open(bus, {
            lastEventId,
            snapshot: async () => {
              await publish(during.inSnapshot);
              return IDLE;
            },
          });
          const [state] = await reader.events(1);
          expect(state.event).toBe("state");
          const stateId = Number(state.id);
          await opened;
          await publish([["typing", { sessionId: "after" }]]);
          await inner.publish(USER, "maintenance", { message: "sentinel" });
          const received = await readUntilSentinel(reader);
          await reader.cancel();

          const notices = new Set(["chat", "partner_left", "session_ended"]);
          const expected = [
            ...published.filter((e) => e.id <= stateId && e.id > (lastEventId ?? stateId) && notices.has(e.name)),
            ...published.filter((e) => e.id > stateId),
          ].map((e) => ({ id: e.id, event: e.name }));
          expect(received).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

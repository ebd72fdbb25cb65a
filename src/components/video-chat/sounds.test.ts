import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** Just enough of WebAudio to see which states the cues put the context in. */
class FakeAudioContext {
  static created: FakeAudioContext[] = [];
  state: "running" | "suspended" = "suspended";
  currentTime = 0;
  destination = {};
  stops: number[] = [];
  constructor() {
    FakeAudioContext.created.push(this);
  }
  resume = vi.fn(async () => void (this.state = "running"));
  suspend = vi.fn(async () => void (this.state = "suspended"));
  createOscillator() {
    const param = { setValueAtTime() {} };
    return {
      type: "",
      frequency: param,
      connect: (node: unknown) => node,
      start() {},
      stop: (at: number) => this.stops.push(at),
    };
  }
  createGain() {
    const param = { setValueAtTime() {}, exponentialRampToValueAtTime() {} };
    return { gain: param, connect: (node: unknown) => node };
  }
}

describe("call sounds", () => {
  let sounds: typeof import("./sounds");
  let ctx: () => FakeAudioContext;

  beforeEach(async () => {
    vi.useFakeTimers();
    vi.resetModules();
    FakeAudioContext.created = [];
    vi.stubGlobal("window", { AudioContext: FakeAudioContext });
    ctx = () => FakeAudioContext.created.at(-1)!;
    sounds = await import("./sounds");
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("suspends the context once a cue has played out, not before", async () => {
    sounds.playMatchSound();
    await vi.advanceTimersByTimeAsync(0);
    expect(ctx().state).toBe("running");
    const lastStopMs = Math.max(...ctx().stops) * 1000;
    await vi.advanceTimersByTimeAsync(lastStopMs);
    expect(ctx().state).toBe("running");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ctx().state).toBe("suspended");
  });

  it("reuses and resumes the same context for the next cue; a new cue postpones the suspend", async () => {
    sounds.playMessageSound();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ctx().state).toBe("suspended");

    sounds.playMessageSound();
    await vi.advanceTimersByTimeAsync(300);
    sounds.playMatchSound(); // longer: the earlier cue's timer must not cut it
    await vi.advanceTimersByTimeAsync(300);
    expect(ctx().state).toBe("running");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ctx().state).toBe("suspended");
    expect(FakeAudioContext.created).toHaveLength(1);
    expect(ctx().resume).toHaveBeenCalledTimes(2);
  });
});

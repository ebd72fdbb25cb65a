import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** Just enough of livekit-client's Room to see which rooms connect, and which are left. */
const rooms: FakeRoom[] = [];
class FakeRoom {
  state = "disconnected";
  connects: string[] = [];
  disconnects = 0;
  listeners = new Map<string, () => void>();
  settle!: (ok: boolean) => void;
  constructor() {
    rooms.push(this);
  }
  once(event: string, fn: () => void) {
    this.listeners.set(event, fn);
    return this;
  }
  on() {
    return this;
  }
  connect(_url: string, token: string) {
    this.connects.push(token);
    this.state = "connecting";
    return new Promise<void>((resolve, reject) => {
      this.settle = (ok) => {
        this.state = ok ? "connected" : "disconnected";
        if (ok) resolve();
        else reject(new Error("could not connect"));
      };
    });
  }
  async disconnect() {
    this.disconnects += 1;
    this.state = "disconnected";
  }
}

vi.mock("livekit-client", () => ({
  Room: FakeRoom,
  RoomEvent: { SignalConnected: "signalConnected", ConnectionStateChanged: "connectionStateChanged" },
  ConnectionState: { Disconnected: "disconnected", Connecting: "connecting", Connected: "connected" },
  Track: { Source: { Camera: "camera" } },
}));

const join = (token: string) => ({ url: "ws://127.0.0.1:7880", token, roomName: "room" });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe("early call rooms", () => {
  let early: typeof import("./early-call-room");
  beforeEach(async () => {
    vi.resetModules();
    rooms.length = 0;
    early = await import("./early-call-room");
  });
  afterEach(() => vi.useRealTimers());

  it("connects once when a match arrives twice (event and answer), and hands that room to the view", () => {
    early.onMatchArrived("s1", join("t1"));
    early.onMatchArrived("s1", join("t1-again"));
    expect(rooms).toHaveLength(1);
    expect(rooms[0]!.connects).toEqual(["t1"]);
    const claimed = early.claimEarlyCallRoom("s1", true);
    expect(claimed?.room).toBe(rooms[0]);
    // StrictMode's second initialiser gets the same room
    expect(early.claimEarlyCallRoom("s1", true)?.room).toBe(rooms[0]);
  });

  it("records the signal's join so a view that mounts late publishes at once", () => {
    early.onMatchArrived("s1", join("t1"));
    rooms[0]!.listeners.get("signalConnected")!();
    expect(early.claimEarlyCallRoom("s1", true)?.signalJoined).toBe(true);
  });

  it("leaves an unclaimed room when the next match arrives, but never one a view owns", () => {
    early.onMatchArrived("s1", join("t1"));
    early.onMatchArrived("s2", join("t2"));
    expect(rooms[0]!.disconnects).toBe(1);
    early.claimEarlyCallRoom("s2", true);
    early.onMatchArrived("s3", join("t3"));
    expect(rooms[1]!.disconnects).toBe(0);
    expect(early.claimEarlyCallRoom("s1", true)).toBeNull();
  });

  it("gives a view no room of another session", () => {
    early.onMatchArrived("s1", join("t1"));
    expect(early.claimEarlyCallRoom("s2", true)).toBeNull();
  });

  it("leaves the room at once when the call's view shows it ended", () => {
    early.onMatchArrived("s1", join("t1"));
    expect(early.claimEarlyCallRoom("s1", false)).toBeNull();
    expect(rooms[0]!.disconnects).toBe(1);
  });

  it("hands over an early connect that already failed: it was the view's first attempt", async () => {
    early.onMatchArrived("s1", join("t1"));
    rooms[0]!.settle(false);
    await flush();
    const claimed = early.claimEarlyCallRoom("s1", true);
    expect(claimed?.room).toBe(rooms[0]);
    await expect(claimed!.connecting).rejects.toThrow("could not connect");
  });

  it("does not connect again for news of a call a view already shows (a replayed event)", () => {
    early.claimEarlyCallRoom("s1", true);
    early.onMatchArrived("s1", join("t1"));
    expect(rooms).toHaveLength(0);
  });

  it("connects nothing without a token (the view fetches one)", () => {
    early.onMatchArrived("s1", null);
    expect(rooms).toHaveLength(0);
    expect(early.claimEarlyCallRoom("s1", true)).toBeNull();
  });

  it("leaves a room no view claimed in time", () => {
    vi.useFakeTimers();
    early.onMatchArrived("s1", join("t1"));
    vi.advanceTimersByTime(15_001);
    expect(rooms[0]!.disconnects).toBe(1);
    expect(early.claimEarlyCallRoom("s1", true)).toBeNull();
  });
});

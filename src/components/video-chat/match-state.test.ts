import { describe, expect, it } from "vitest";
import type { SessionView } from "@/lib/schemas";
import { initialMatchState, matchReducer, TYPING_SHOWN_MS, type MatchAction, type MatchState } from "./match-state";

const session = (id: string, nickname = "Bob"): SessionView => ({
  id,
  roomName: `mm_${id}`,
  createdAt: "2025-01-01T00:00:00.000Z",
  partner: { nickname, avatar: null, mood: "chill", commonInterests: ["music"] },
  revealed: { me: false, partner: false },
});
const livekit = { url: "ws://lk", token: "t1" };
const run = (actions: MatchAction[], from: MatchState = initialMatchState) => actions.reduce(matchReducer, from);
const inCall = (id = "s1") => run([{ type: "event", name: "matched", data: { session: session(id), livekit }, now: 0 }]);

describe("friend calls in the reducer", () => {
  const invite = {
    id: "inv1",
    friendshipId: "f1",
    from: { nickname: "Ada", avatar: null },
    expiresAt: "2025-01-01T00:00:30.000Z",
  };
  it("rings from an invite or a snapshot, keeps ringing through a heartbeat's status, stops on its end", () => {
    const ringing = run([{ type: "event", name: "state", data: { status: "idle", invites: [invite] }, now: 0 }]);
    expect(ringing.incomingCall).toEqual(invite);
    const afterHeartbeat = matchReducer(ringing, {
      type: "status",
      data: { status: "idle" },
      revisionAtSend: ringing.revision,
      now: 0,
    });
    expect(afterHeartbeat.incomingCall).toEqual(invite);
    const snapshotWithout = matchReducer(ringing, {
      type: "event",
      name: "state",
      data: { status: "idle", invites: [] },
      now: 0,
    });
    expect(snapshotWithout.incomingCall).toBeNull();
    const ended = matchReducer(ringing, {
      type: "event",
      name: "invite_ended",
      data: { inviteId: "inv1", reason: "cancelled" },
      now: 0,
    });
    expect(ended.incomingCall).toBeNull();
  });
  it("tells the caller why a call did not connect, and a call clears the ringing", () => {
    const calling = run([{ type: "calling", invite, friendNickname: "Bo" }]);
    const declined = matchReducer(calling, {
      type: "event",
      name: "invite_ended",
      data: { inviteId: "inv1", reason: "declined" },
      now: 0,
    });
    expect(declined).toMatchObject({ outgoingCall: null, callNotice: "Bo can't talk right now." });
    const connected = matchReducer(calling, {
      type: "event",
      name: "matched",
      data: { session: session("s9"), livekit },
      now: 0,
    });
    expect(connected).toMatchObject({ outgoingCall: null, incomingCall: null, callNotice: null });
  });
});

describe("matchReducer", () => {
  it("takes the first state snapshot as the truth", () => {
    const idle = run([{ type: "event", name: "state", data: { status: "idle" }, now: 0 }]);
    expect(idle.phase).toEqual({ kind: "idle" });
    const waiting = run([
      { type: "event", name: "state", data: { status: "waiting", position: 2, waiting: 5, estimatedWaitMs: 3000 }, now: 0 },
    ]);
    expect(waiting.phase).toEqual({ kind: "waiting", queue: { position: 2, waiting: 5, estimatedWaitMs: 3000 } });
  });

  it("rejoins a call from a snapshot and keeps the token it already uses on reconnect", () => {
    const state = inCall();
    const again = matchReducer(state, {
      type: "event",
      name: "state",
      data: { status: "in_session", session: session("s1"), livekit: { url: "ws://lk", token: "t2" } },
      now: 0,
    });
    expect(again.phase).toMatchObject({ kind: "in_call", livekit: { token: "t1" } });
    expect(again.matchCount).toBe(1);
  });

  it("shows who left, and ignores events for other sessions", () => {
    const state = inCall();
    // (only the revision moves: any event makes an older status read stale)
    expect(
      matchReducer(state, { type: "event", name: "partner_left", data: { sessionId: "other", reason: "skip" }, now: 0 }),
    ).toEqual({ ...state, revision: state.revision + 1 });
    const left = matchReducer(state, { type: "event", name: "partner_left", data: { sessionId: "s1", reason: "skip" }, now: 0 });
    expect(left.phase).toMatchObject({ kind: "ended", by: "partner", reason: "skip" });
    // An idle snapshot afterwards keeps the "left" screen readable.
    expect(matchReducer(left, { type: "event", name: "state", data: { status: "idle" }, now: 0 }).phase.kind).toBe("ended");
  });

  it("does not flash an ended screen for my own Next or Stop", () => {
    const skip = matchReducer(inCall(), {
      type: "event",
      name: "session_ended",
      data: { sessionId: "s1", reason: "skip" },
      now: 0,
    });
    expect(skip.phase.kind).toBe("waiting");
    const stop = matchReducer(inCall(), {
      type: "event",
      name: "session_ended",
      data: { sessionId: "s1", reason: "end" },
      now: 0,
    });
    expect(stop.phase.kind).toBe("idle");
    const block = matchReducer(inCall(), {
      type: "event",
      name: "session_ended",
      data: { sessionId: "s1", reason: "block" },
      now: 0,
    });
    expect(block.phase).toMatchObject({ kind: "ended", by: "me", reason: "block" });
  });

  it("dedupes my echoed message and takes the server's text", () => {
    let state = inCall();
    state = matchReducer(state, {
      type: "chat_pending",
      sessionId: "s1",
      line: { id: "local-1", text: "hi", sentAt: "x", from: "me", pending: true },
    });
    state = matchReducer(state, {
      type: "event",
      name: "chat",
      data: { sessionId: "s1", id: "m1", text: "hi", sentAt: "y", from: "me" },
      now: 0,
    });
    state = matchReducer(state, { type: "chat_acked", sessionId: "s1", tempId: "local-1", id: "m1", sentAt: "y" });
    expect(state.chat).toEqual([{ id: "m1", text: "hi", sentAt: "y", from: "me" }]);
    state = matchReducer(state, {
      type: "event",
      name: "chat",
      data: { sessionId: "s1", id: "m1", text: "h[hidden]", sentAt: "y", from: "me" },
      now: 0,
    });
    expect(state.chat).toHaveLength(1);
    expect(state.chat[0].text).toBe("h[hidden]");
  });

  it("shows typing for a while, cleared by the partner's message or leaving", () => {
    let state = matchReducer(inCall(), { type: "event", name: "typing", data: { sessionId: "s1" }, now: 1000 });
    expect(state.partnerTypingUntil).toBe(1000 + TYPING_SHOWN_MS);
    state = matchReducer(state, {
      type: "event",
      name: "chat",
      data: { sessionId: "s1", id: "p1", text: "yo", sentAt: "z", from: "partner" },
      now: 0,
    });
    expect(state.partnerTypingUntil).toBe(0);
    expect(state.incomingCount).toBe(1);
    state = matchReducer(state, { type: "event", name: "typing", data: { sessionId: "s1" }, now: 2000 });
    state = matchReducer(state, { type: "event", name: "partner_left", data: { sessionId: "s1", reason: "end" }, now: 0 });
    expect(state.partnerTypingUntil).toBe(0);
  });

  it("starts a fresh chat for a new match and keeps a call over a late 'waiting' answer", () => {
    let state = inCall("s1");
    state = matchReducer(state, {
      type: "event",
      name: "chat",
      data: { sessionId: "s1", id: "p1", text: "yo", sentAt: "z", from: "partner" },
      now: 0,
    });
    state = matchReducer(state, { type: "event", name: "matched", data: { session: session("s2", "Cy"), livekit }, now: 0 });
    expect(state.chat).toEqual([]);
    expect(state.matchCount).toBe(2);
    state = matchReducer(state, { type: "enqueued", result: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 } });
    expect(state.phase).toMatchObject({ kind: "in_call", session: { id: "s2" } });
  });

  it("ignores a 'waiting' answer that a match and its end overtook", () => {
    let state = matchReducer(initialMatchState, { type: "event", name: "state", data: { status: "idle" }, now: 0 });
    const sentAt = state.matchCount; // the enqueue leaves now
    state = matchReducer(state, { type: "event", name: "matched", data: { session: session("s7", "Di"), livekit }, now: 0 });
    state = matchReducer(state, { type: "event", name: "partner_left", data: { sessionId: "s7", reason: "end" }, now: 0 });
    const ended = state.phase;
    state = matchReducer(state, {
      type: "enqueued",
      result: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 },
      matchCountAtSend: sentAt,
    });
    expect(state.phase).toEqual(ended);
    // an answer to a request sent after that call is applied
    state = matchReducer(state, {
      type: "enqueued",
      result: { status: "waiting", position: 2, waiting: 3, estimatedWaitMs: 0 },
      matchCountAtSend: state.matchCount,
    });
    expect(state.phase).toEqual({ kind: "waiting", queue: { position: 2, waiting: 3, estimatedWaitMs: 0 } });
  });

  it("applies a status read only when nothing changed while it was on its way", () => {
    let state = matchReducer(initialMatchState, {
      type: "enqueued",
      result: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 },
      matchCountAtSend: 0,
    });
    const sent = state.revision;
    // the server says idle (the ticket is gone): the stale queue view is corrected
    const idle = matchReducer(state, { type: "status", data: { status: "idle" }, revisionAtSend: sent, now: 0 });
    expect(idle.phase).toEqual({ kind: "idle" });
    // but a match that arrived after the read left wins over it
    state = matchReducer(state, { type: "event", name: "matched", data: { session: session("s9", "Ed"), livekit }, now: 0 });
    state = matchReducer(state, {
      type: "status",
      data: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 },
      revisionAtSend: sent,
      now: 0,
    });
    expect(state.phase).toMatchObject({ kind: "in_call", session: { id: "s9" } });
  });

  it("asks for a status read when a conversation it never heard start ends while it waits", () => {
    let state = matchReducer(initialMatchState, {
      type: "enqueued",
      result: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 },
    });
    expect(state.resyncWanted).toBe(0);
    state = matchReducer(state, { type: "event", name: "partner_left", data: { sessionId: "unknown", reason: "skip" }, now: 0 });
    expect(state.resyncWanted).toBe(1);
    expect(state.phase.kind).toBe("waiting"); // until the read answers
    // the end of the call it left (a late notice) is no reason to
    let after = inCall("s1");
    after = matchReducer(after, { type: "enqueued", result: { status: "waiting", position: 1, waiting: 1, estimatedWaitMs: 0 } });
    after = matchReducer(after, { type: "event", name: "partner_left", data: { sessionId: "s1", reason: "skip" }, now: 0 });
    expect(after.resyncWanted).toBe(0);
  });

  it("records cooldowns and maintenance", () => {
    let state = matchReducer(initialMatchState, {
      type: "event",
      name: "cooldown",
      data: { until: "2030-01-01T00:00:00.000Z" },
      now: 0,
    });
    expect(state.cooldownUntil).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    state = matchReducer(state, { type: "event", name: "maintenance", data: { message: "Back soon." }, now: 0 });
    expect(state.maintenance).toBe("Back soon.");
  });
});

describe("chat memory", () => {
  it("applies reveal news to the current call only, and never takes a reveal back", () => {
    let state = inCall();
    const reveal = (sessionId: string, me: boolean, partner: boolean): MatchAction => ({
      type: "event",
      name: "reveal",
      data: { sessionId, me, partner },
      now: 0,
    });
    state = matchReducer(state, reveal("s1", false, true));
    expect(state.phase).toMatchObject({ session: { revealed: { me: false, partner: true } } });
    expect(matchReducer(state, reveal("other", true, true)).phase).toEqual(state.phase);
    state = matchReducer(state, { type: "revealed", sessionId: "s1", revealed: { me: true, partner: false } });
    expect(state.phase).toMatchObject({ session: { revealed: { me: true, partner: true } } });
    // an older snapshot of the same call (both false) does not undo it
    state = matchReducer(state, {
      type: "event",
      name: "state",
      data: { status: "in_session", session: session("s1"), livekit },
      now: 0,
    });
    expect(state.phase).toMatchObject({ kind: "in_call", session: { revealed: { me: true, partner: true } } });
    // the ended overlay keeps it; the next call starts unrevealed
    state = matchReducer(state, { type: "event", name: "partner_left", data: { sessionId: "s1", reason: "skip" }, now: 0 });
    expect(state.phase).toMatchObject({ kind: "ended", session: { revealed: { me: true, partner: true } } });
    state = matchReducer(state, { type: "event", name: "matched", data: { session: session("s2"), livekit }, now: 0 });
    expect(state.phase).toMatchObject({ kind: "in_call", session: { id: "s2", revealed: { me: false, partner: false } } });
  });

  it("puts remembered lines before the ones already received, without duplicates", () => {
    let state = inCall();
    state = matchReducer(state, {
      type: "event",
      name: "chat",
      data: { sessionId: "s1", id: "p2", text: "new", sentAt: "b", from: "partner" },
      now: 0,
    });
    state = matchReducer(state, {
      type: "chat_restored",
      sessionId: "s1",
      lines: [
        { id: "p1", text: "old", sentAt: "a", from: "partner" },
        { id: "p2", text: "new", sentAt: "b", from: "partner" },
      ],
    });
    expect(state.chat.map((l) => l.id)).toEqual(["p1", "p2"]);
    expect(matchReducer(state, { type: "chat_restored", sessionId: "other", lines: [] })).toBe(state);
  });
});

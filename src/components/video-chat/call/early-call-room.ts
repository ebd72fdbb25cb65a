"use client";

import { Room, RoomEvent } from "livekit-client";
import type { LivekitJoin } from "@/lib/schemas";
import { CALL_MARKS, markCall } from "../call-timing";
import { watchCallMilestones } from "./use-call-timing-marks";

/**
 * A call's Room, as every call view uses it. A 1:1 call has one subscriber, so simulcast layers
 * would only cost encode CPU; without them the first frame arrives sooner
 * (instructions/performance.md). The room never stops the shared local tracks.
 */
export function createCallRoom(): Room {
  return new Room({
    adaptiveStream: true,
    dynacast: true,
    stopLocalTrackOnUnpublish: false,
    publishDefaults: { simulcast: false },
  });
}

/** A Room whose connect began when the match arrived, waiting for its call view to take it. */
export interface EarlyCallRoom {
  sessionId: string;
  room: Room;
  /** Settles when the connect does; never rejects unobserved. */
  connecting: Promise<void>;
  /** The signal has answered the join: the view may publish at once. */
  signalJoined: boolean;
  /** A call view owns it now (it disconnects it); claiming again returns the same room. */
  claimed: boolean;
}

/** Not claimed in this long (the call ended before its view showed, a stale event): leave the room. */
const UNCLAIMED_MS = 15_000;

let pending: EarlyCallRoom | null = null;
/** The call a view has shown with a room of its own or an early one: news of it connects nothing. */
let viewedSessionId: string | null = null;

function release(entry: EarlyCallRoom | null) {
  if (entry && !entry.claimed) void entry.room.disconnect(false).catch(() => {});
}

/**
 * A match arrived (the `matched` event, or Start/Next answered with a call): mark it and start
 * the Room's connect now, not when React has rendered the call view and run its effects — under
 * load that render, its paint and the effects are hundreds of milliseconds the stranger would
 * stare at an empty tile (instructions/performance.md). The call view claims the room by session
 * id (`claimEarlyCallRoom`); the same session arriving twice (event and answer) connects once.
 */
export function onMatchArrived(sessionId: string, join: LivekitJoin | null | undefined): void {
  if (pending?.sessionId === sessionId || viewedSessionId === sessionId) return;
  markCall(CALL_MARKS.matchArrived, sessionId);
  release(pending);
  pending = null;
  if (!join?.url || !join.token) return; // the view fetches a token and connects itself
  const room = createCallRoom();
  watchCallMilestones(room, sessionId);
  const entry: EarlyCallRoom = {
    sessionId,
    room,
    connecting: Promise.resolve(),
    signalJoined: false,
    claimed: false,
  };
  room.once(RoomEvent.SignalConnected, () => (entry.signalJoined = true));
  entry.connecting = room.connect(join.url, join.token, { autoSubscribe: true });
  entry.connecting.catch(() => {}); // the view reads the outcome when it claims the room
  pending = entry;
  setTimeout(() => {
    if (pending === entry && !entry.claimed) {
      release(entry);
      pending = null;
    }
  }, UNCLAIMED_MS);
}

/**
 * A call view for this session is showing. `joining`: it is going to connect (the call has not
 * ended and its token is known); then it gets the early Room, and owns it from now on — its
 * connect counts as the view's first attempt, failed or not. Otherwise an early Room of this call
 * is left at once. Idempotent, so React StrictMode's double initialiser gets the same room.
 */
export function claimEarlyCallRoom(sessionId: string, joining: boolean): EarlyCallRoom | null {
  viewedSessionId = sessionId;
  const entry = pending;
  if (!entry || entry.sessionId !== sessionId) return null;
  if (!entry.claimed && !joining) {
    release(entry);
    pending = null;
    return null;
  }
  entry.claimed = true;
  return entry;
}

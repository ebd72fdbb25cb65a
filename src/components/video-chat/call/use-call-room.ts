"use client";

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import {
  ConnectionError,
  ConnectionErrorReason,
  ConnectionState,
  DisconnectReason,
  RoomEvent,
  type LocalAudioTrack,
  type LocalVideoTrack,
} from "livekit-client";
import type { LivekitJoin } from "@/lib/schemas";
import { claimEarlyCallRoom, createCallRoom } from "./early-call-room";

/** What the video area says when media isn't flowing; chat keeps working regardless. */
export interface MediaProblem {
  kind: "unreachable" | "other_tab" | "room_closed" | "disconnected";
  sentence: string;
  detail?: string;
  canRetry: boolean;
}

export function describeConnectError(url: string, error: unknown): MediaProblem {
  const detail =
    error instanceof ConnectionError
      ? error.reason === ConnectionErrorReason.NotAllowed
        ? `It refused this call's pass${error.message ? `: ${error.message}` : ""}.`
        : error.message || undefined
      : error instanceof Error
        ? error.message
        : undefined;
  return { kind: "unreachable", sentence: `Couldn't reach the video server at ${url}.`, detail, canRetry: true };
}

export function describeDisconnect(reason: DisconnectReason | undefined): MediaProblem | null {
  switch (reason) {
    case undefined:
    case DisconnectReason.CLIENT_INITIATED:
      return null;
    case DisconnectReason.DUPLICATE_IDENTITY:
      return { kind: "other_tab", sentence: "MoodMatch is open in another tab, which took over this call.", canRetry: true };
    case DisconnectReason.ROOM_DELETED:
    case DisconnectReason.ROOM_CLOSED:
      return { kind: "room_closed", sentence: "This chat has ended.", canRetry: false };
    default:
      return { kind: "disconnected", sentence: "The video connection dropped.", canRetry: true };
  }
}

/**
 * One LiveKit Room per call view: the one whose connect began when the match arrived
 * (early-call-room.ts), or a new one. Connects are queued one after another on a promise chain
 * and skipped when their effect was already cleaned up, so React StrictMode's double effect and
 * rapid "Next" clicks produce exactly one connection attempt per call; cleanup disconnects
 * without stopping the shared local tracks.
 */
export function useCallRoom(
  sessionId: string,
  join: LivekitJoin | null,
  local: {
    video: LocalVideoTrack | null;
    audio: LocalAudioTrack | null;
    /**
     * Asked right before the camera is published: false while the consent blur is not in place
     * yet (privacy/use-camera-blur.ts), so the raw camera never reaches LiveKit before a reveal.
     * A new function identity means "ask again".
     */
    canPublishVideo?: () => boolean;
  },
) {
  const [early] = useState(() => claimEarlyCallRoom(sessionId, join !== null));
  const [room] = useState(() => early?.room ?? createCallRoom());
  // read from the room itself: an early room may have moved on before this view subscribed
  const subscribeState = useCallback(
    (notify: () => void) => {
      room.on(RoomEvent.ConnectionStateChanged, notify);
      return () => void room.off(RoomEvent.ConnectionStateChanged, notify);
    },
    [room],
  );
  const connection = useSyncExternalStore(
    subscribeState,
    () => room.state,
    () => ConnectionState.Disconnected,
  );
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  // The early connect stands for the first attempt only: a retry, or a connect after a cleanup of
  // this view already left the room (StrictMode's double effect), connects anew.
  const earlyStands = useRef(early !== null);

  useEffect(() => {
    const onDisconnected = (reason?: DisconnectReason) => {
      const described = describeDisconnect(reason);
      if (described) setProblem(described);
    };
    room.on(RoomEvent.Disconnected, onDisconnected);
    return () => void room.off(RoomEvent.Disconnected, onDisconnected);
  }, [room]);
  // Publishing starts as soon as the signal connection has joined, while the media transport is
  // still connecting (livekit-client queues the publication until then): every millisecond here is
  // time the partner stares at "Waiting for your camera".
  const tracks = useRef(local);
  useEffect(() => {
    tracks.current = local;
  });
  const publishing = useRef(new Set<LocalVideoTrack | LocalAudioTrack>());
  const publishLocalTracks = useCallback(() => {
    if (room.state !== ConnectionState.Connected && room.state !== ConnectionState.Connecting) return;
    const participant = room.localParticipant;
    const { video, audio, canPublishVideo } = tracks.current;
    for (const track of [video, audio]) {
      if (!track || publishing.current.has(track)) continue;
      if (track === video && canPublishVideo && !canPublishVideo()) continue;
      if ([...participant.trackPublications.values()].some((p) => p.track === track)) continue;
      publishing.current.add(track);
      void participant
        .publishTrack(track)
        .catch(() => {})
        .finally(() => publishing.current.delete(track));
    }
  }, [room]);

  const url = join?.url;
  const token = join?.token;
  useEffect(() => {
    if (!url || !token) return;
    let cancelled = false;
    setProblem(null);
    queue.current = queue.current
      .then(async () => {
        if (cancelled) return;
        const publishOnJoin = () => {
          if (!cancelled) publishLocalTracks();
        };
        // Publish once the signal has joined: at once if an early room's signal already has.
        const connectWith = async (connecting: () => Promise<void>, joined = false) => {
          if (joined) publishOnJoin();
          else room.once(RoomEvent.SignalConnected, publishOnJoin);
          try {
            await connecting();
          } finally {
            room.off(RoomEvent.SignalConnected, publishOnJoin);
          }
        };
        const connect = () => connectWith(() => room.connect(url, token, { autoSubscribe: true }));
        const adopted = earlyStands.current ? early : null;
        earlyStands.current = false;
        if (adopted) {
          await connectWith(() => adopted.connecting, adopted.signalJoined);
          // it joined and then dropped before this view listened: connect again
          if (room.state === ConnectionState.Disconnected && !cancelled) await connect();
        } else {
          await connect();
        }
        if (!cancelled) publishLocalTracks();
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(describeConnectError(url, error));
      });
    return () => {
      cancelled = true;
      earlyStands.current = false;
      // Disconnecting also aborts a connect still in flight; local tracks keep running.
      void room.disconnect(false).catch(() => {});
    };
  }, [room, early, url, token, attempt, publishLocalTracks]);

  // A track that appears after the connection (camera allowed late, a retried device) or a reconnect.
  // Also once the consent blur is in place (canPublishVideo renewed).
  useEffect(() => {
    if (connection === ConnectionState.Connected) publishLocalTracks();
  }, [connection, local.video, local.audio, local.canPublishVideo, publishLocalTracks]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { room, connection, problem, retry };
}

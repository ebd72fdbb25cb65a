"use client";

import { useEffect } from "react";
import { ConnectionState, RoomEvent, Track, type LocalTrackPublication, type RemoteTrack, type Room } from "livekit-client";
import { CALL_MARKS, markCall } from "../call-timing";

const watched = new WeakSet<Room>();

/**
 * Marks one call's Room milestones from its events, once per Room: a Room serves one call and is
 * dropped with it, so the listeners need no removal. Called where the Room's connect begins
 * (early-call-room.ts, or the call view for a Room it made), so no early event is missed.
 */
export function watchCallMilestones(room: Room, sessionId: string): void {
  if (watched.has(room)) return;
  watched.add(room);
  room
    .on(RoomEvent.ConnectionStateChanged, (state: ConnectionState) => {
      if (state === ConnectionState.Connected) markCall(CALL_MARKS.roomConnected, sessionId);
    })
    .on(RoomEvent.SignalConnected, () => markCall(CALL_MARKS.signalJoined, sessionId))
    .on(RoomEvent.LocalTrackPublished, (publication: LocalTrackPublication) => {
      if (publication.source === Track.Source.Camera) markCall(CALL_MARKS.cameraPublished, sessionId);
    })
    .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.source === Track.Source.Camera) markCall(CALL_MARKS.partnerCameraSubscribed, sessionId);
    });
}

/** Marks the call view showing, and its Room's milestones (the first frame is marked where it is drawn). */
export function useCallTimingMarks(room: Room, sessionId: string): void {
  useEffect(() => {
    markCall(CALL_MARKS.matched, sessionId);
    watchCallMilestones(room, sessionId);
  }, [room, sessionId]);
}

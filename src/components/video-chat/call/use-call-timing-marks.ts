"use client";

import { useEffect } from "react";
import { ConnectionState, RoomEvent, Track, type LocalTrackPublication, type RemoteTrack, type Room } from "livekit-client";
import { CALL_MARKS, markCall } from "../call-timing";

/** Marks one call's milestones from its Room's events (the first frame is marked where it is drawn). */
export function useCallTimingMarks(room: Room, sessionId: string): void {
  useEffect(() => {
    markCall(CALL_MARKS.matched, sessionId);
    const onState = (state: ConnectionState) => {
      if (state === ConnectionState.Connected) markCall(CALL_MARKS.roomConnected, sessionId);
    };
    const onSignal = () => markCall(CALL_MARKS.signalJoined, sessionId);
    const onPublished = (publication: LocalTrackPublication) => {
      if (publication.source === Track.Source.Camera) markCall(CALL_MARKS.cameraPublished, sessionId);
    };
    const onSubscribed = (track: RemoteTrack) => {
      if (track.source === Track.Source.Camera) markCall(CALL_MARKS.partnerCameraSubscribed, sessionId);
    };
    room
      .on(RoomEvent.ConnectionStateChanged, onState)
      .on(RoomEvent.SignalConnected, onSignal)
      .on(RoomEvent.LocalTrackPublished, onPublished)
      .on(RoomEvent.TrackSubscribed, onSubscribed);
    return () => {
      room
        .off(RoomEvent.ConnectionStateChanged, onState)
        .off(RoomEvent.SignalConnected, onSignal)
        .off(RoomEvent.LocalTrackPublished, onPublished)
        .off(RoomEvent.TrackSubscribed, onSubscribed);
    };
  }, [room, sessionId]);
}

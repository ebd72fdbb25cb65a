"use client";

import { useCallback } from "react";
import { isTrackReference, useTracks, VideoTrack, type TrackReference } from "@livekit/components-react";
import { Track } from "livekit-client";
import { CALL_MARKS, markCall } from "../call-timing";

function remoteTrack(tracks: ReturnType<typeof useTracks>): TrackReference | undefined {
  return tracks.filter(isTrackReference).find((t): t is TrackReference => !t.participant.isLocal);
}

/**
 * The partner's camera when it is flowing, what they switched off when they did, and the
 * fallback sentence while nothing has arrived yet. Marks the first frame it shows (call-timing).
 */
export function RemoteVideo({
  sessionId,
  partnerName,
  waiting,
  cameraOff,
}: {
  sessionId: string;
  partnerName: string;
  /** Shown until the partner's camera arrives. */
  waiting: React.ReactNode;
  /** Shown while the partner has switched their camera off. */
  cameraOff: React.ReactNode;
}) {
  const camera = remoteTrack(useTracks([{ source: Track.Source.Camera, withPlaceholder: false }], { onlySubscribed: true }));
  const microphone = remoteTrack(
    useTracks([{ source: Track.Source.Microphone, withPlaceholder: false }], { onlySubscribed: true }),
  );
  const markFirstFrame = useCallback(
    (video: HTMLVideoElement | null) => {
      if (video && typeof video.requestVideoFrameCallback === "function") {
        video.requestVideoFrameCallback(() => markCall(CALL_MARKS.firstFrame, sessionId));
      }
    },
    [sessionId],
  );
  const micOff = microphone?.publication.isMuted === true;

  let picture: React.ReactNode;
  if (camera && !camera.publication.isMuted) {
    picture = (
      <VideoTrack ref={markFirstFrame} trackRef={camera} className="remote-video" aria-label={`${partnerName}'s camera`} />
    );
  } else {
    picture = camera ? cameraOff : waiting;
  }
  return (
    <>
      {picture}
      {micOff && (
        <p className="stage__muted" role="status" data-testid="partner-mic-off">
          {partnerName}&apos;s microphone is off
        </p>
      )}
    </>
  );
}

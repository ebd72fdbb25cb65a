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
  onVideo,
  guarded,
}: {
  sessionId: string;
  partnerName: string;
  /** Shown until the partner's camera arrives. */
  waiting: React.ReactNode;
  /** Shown while the partner has switched their camera off. */
  cameraOff: React.ReactNode;
  /** The partner's <video> element, for the nudity guard to sample. */
  onVideo?: (video: HTMLVideoElement | null) => void;
  /** The nudity guard tripped: the picture is blurred here, at once. */
  guarded?: boolean;
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
      onVideo?.(video);
    },
    [sessionId, onVideo],
  );
  const micOff = microphone?.publication.isMuted === true;

  let picture: React.ReactNode;
  if (camera && !camera.publication.isMuted) {
    picture = (
      <VideoTrack
        ref={markFirstFrame}
        trackRef={camera}
        className={`remote-video${guarded ? " remote-video--guarded" : ""}`}
        aria-label={`${partnerName}'s camera`}
      />
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

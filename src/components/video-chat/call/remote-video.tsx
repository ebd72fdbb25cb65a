"use client";

import { useCallback, useRef } from "react";
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
  /** The partner's <video> element once it shows a frame (null when it goes), for the nudity guard to sample. */
  onVideo?: (video: HTMLVideoElement | null) => void;
  /** The nudity guard tripped: the picture is blurred here, at once. */
  guarded?: boolean;
}) {
  const camera = remoteTrack(useTracks([{ source: Track.Source.Camera, withPlaceholder: false }], { onlySubscribed: true }));
  const microphone = remoteTrack(
    useTracks([{ source: Track.Source.Microphone, withPlaceholder: false }], { onlySubscribed: true }),
  );
  // The element is handed to the guard once its first frame is shown, not when it mounts.
  // LiveKit's <VideoTrack> re-attaches its ref on every render (null, then the element, in the
  // same commit), so an element whose frame was already seen is handed over again at once.
  const seen = useRef(new WeakMap<HTMLVideoElement, "waiting" | "shown">());
  const markFirstFrame = useCallback(
    (video: HTMLVideoElement | null) => {
      if (!video || typeof video.requestVideoFrameCallback !== "function") return onVideo?.(video);
      const state = seen.current.get(video);
      if (state === "shown") return onVideo?.(video);
      if (state === "waiting") return;
      seen.current.set(video, "waiting");
      markCall(CALL_MARKS.partnerVideoMounted, sessionId);
      video.requestVideoFrameCallback(() => {
        seen.current.set(video, "shown");
        markCall(CALL_MARKS.firstFrame, sessionId);
        if (video.isConnected) onVideo?.(video);
      });
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

"use client";

import { useEffect, useRef } from "react";
import { TrackEvent, type LocalVideoTrack } from "livekit-client";

/**
 * What a small self-view tile (at most about 13rem × 17rem, object-fit: cover) needs: its height in
 * device pixels, and no more frames than a thumbnail shows. The browser scales a clone of the
 * camera in the capture pipeline. Each new frame of any video on the page costs a compositor
 * frame, which without a GPU is a call page's largest cost after WebRTC itself
 * (instructions/performance.md); a 30 fps camera's tile at 15 fps halves its share. What is sent
 * is the full camera, untouched.
 */
function tileConstraints(): MediaTrackConstraints {
  const height = Math.round(280 * Math.min(2, globalThis.devicePixelRatio || 1));
  return { height: { max: height }, width: { max: Math.round((height * 16) / 9) }, frameRate: { max: 15 } };
}

/**
 * Shows a local camera track (mirrored, like a mirror), whether or not it is published. `tile`:
 * a small self-view, fed by a scaled-down clone while the track is the raw camera; a processed
 * track (the consent blur, already small) is shown as it is, because it is what the partner sees.
 */
export function LocalVideo({
  track,
  label,
  className,
  tile = false,
}: {
  track: LocalVideoTrack;
  label: string;
  className?: string;
  tile?: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let attached = false;
    let clone: MediaStreamTrack | null = null;
    const release = () => {
      if (attached) track.detach(element);
      attached = false;
      clone?.stop();
      clone = null;
    };
    const show = () => {
      release();
      if (!tile || track.getProcessor()) {
        track.attach(element);
        attached = true;
        return;
      }
      clone = track.mediaStreamTrack.clone();
      // a browser that cannot scale a clone shows the full picture, which is only slower
      void clone.applyConstraints(tileConstraints()).catch(() => {});
      element.srcObject = new MediaStream([clone]);
    };
    show();
    // a device switch or an unmute replaces the camera's track, and the blur comes and goes: follow them
    track.on(TrackEvent.Restarted, show).on(TrackEvent.TrackProcessorUpdate, show);
    return () => {
      track.off(TrackEvent.Restarted, show).off(TrackEvent.TrackProcessorUpdate, show);
      release();
      element.srcObject = null;
    };
  }, [track, tile]);
  return <video ref={ref} className={`local-video ${className ?? ""}`} aria-label={label} autoPlay muted playsInline />;
}

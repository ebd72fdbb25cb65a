"use client";

import { useEffect, useRef } from "react";
import type { LocalVideoTrack } from "livekit-client";

/** Shows a local camera track (mirrored, like a mirror), whether or not it is published. */
export function LocalVideo({ track, label, className }: { track: LocalVideoTrack; label: string; className?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    track.attach(element);
    return () => {
      track.detach(element);
    };
  }, [track]);
  return <video ref={ref} className={`local-video ${className ?? ""}`} aria-label={label} autoPlay muted playsInline />;
}

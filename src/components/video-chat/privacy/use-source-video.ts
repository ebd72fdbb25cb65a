"use client";

import { useEffect, useState } from "react";

/** A detached, muted <video> playing a track (the raw camera behind the blur), for the guard to sample. */
export function useSourceVideo(track: MediaStreamTrack | null): HTMLVideoElement | null {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  useEffect(() => {
    if (!track) return;
    const element = document.createElement("video");
    element.muted = true;
    element.playsInline = true;
    element.srcObject = new MediaStream([track]);
    void element.play().catch(() => {});
    setVideo(element);
    return () => {
      element.srcObject = null;
      setVideo(null);
    };
  }, [track]);
  return video;
}

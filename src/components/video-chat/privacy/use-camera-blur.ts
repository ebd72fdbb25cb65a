"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { LocalVideoTrack } from "livekit-client";
import { BLUR_PROCESSOR_NAME, createBlurProcessor, type BlurProcessor } from "./blur-processor";

/**
 * Keeps the blur processor on the tab's camera track whenever `wantBlur` is true, and off
 * otherwise (instructions/video-privacy.md). The track outlives calls, so the blur is put back
 * as soon as a revealed call is over: every new call starts blurred, and the processor is
 * already running when the next match comes (no publish delay).
 *
 * `canPublish()` is what the call's room asks right before it publishes the camera: true only
 * when the camera needs no blur, or the blur is in place and no change is under way. Changes
 * run one after another on a promise chain, so a quick reveal → new call cannot interleave a
 * `stopProcessor` after a `setProcessor`.
 */
const isBlurred = (t: LocalVideoTrack) => t.getProcessor()?.name === BLUR_PROCESSOR_NAME;

export function useCameraBlur(track: LocalVideoTrack | null, wantBlur: boolean) {
  const want = useRef(wantBlur);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const pending = useRef(0);
  const [settled, setSettled] = useState(0);

  // `wantBlur` of this render, not of the last effect: a call view mounting in the same commit
  // as the wish changes must already get the new answer. `settled` renews it after each change,
  // so the room tries again once the blur is in place.
  const canPublish = useCallback(
    () => !wantBlur || (!!track && pending.current === 0 && isBlurred(track)),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- settled: a new identity once a change is done
    [track, wantBlur, settled],
  );

  useEffect(() => {
    want.current = wantBlur;
    if (!track) return;
    pending.current += 1;
    chain.current = chain.current
      .then(async () => {
        // read the latest wish: a burst of changes settles on the last one
        if (track.isStopped) return;
        if (want.current && !isBlurred(track)) await track.setProcessor(createBlurProcessor(), true);
        else if (!want.current && isBlurred(track)) await track.stopProcessor();
      })
      .catch((error: unknown) => console.warn("camera blur change failed", error))
      .finally(() => {
        pending.current -= 1;
        setSettled((n) => n + 1);
      });
  }, [track, wantBlur]);

  const processor = track && isBlurred(track) ? (track.getProcessor() as BlurProcessor) : null;
  return { canPublish, blurred: !!processor, processor };
}

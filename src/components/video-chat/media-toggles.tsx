"use client";

import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from "../ui/icons";
import type { LocalMedia } from "./use-local-media";

/** Mic and camera on/off switches; a missing device shows as unavailable rather than hidden. */
export function MediaToggles({ media, compact = false }: { media: LocalMedia; compact?: boolean }) {
  return (
    <>
      <button
        type="button"
        className={`control${media.micOn && media.audio ? "" : " control--off"}`}
        aria-pressed={media.micOn}
        disabled={!media.audio}
        onClick={() => media.setMicOn(!media.micOn)}
        title={media.audio ? undefined : (media.audioProblem ?? "No microphone")}
      >
        {media.micOn && media.audio ? <MicIcon /> : <MicOffIcon />}
        <span className={compact ? "visually-hidden" : undefined}>{media.micOn ? "Mic on" : "Mic off"}</span>
      </button>
      <button
        type="button"
        className={`control${media.cameraOn && media.video ? "" : " control--off"}`}
        aria-pressed={media.cameraOn}
        disabled={!media.video}
        onClick={() => media.setCameraOn(!media.cameraOn)}
        title={media.video ? undefined : (media.videoProblem ?? "No camera")}
      >
        {media.cameraOn && media.video ? <CameraIcon /> : <CameraOffIcon />}
        <span className={compact ? "visually-hidden" : undefined}>{media.cameraOn ? "Camera on" : "Camera off"}</span>
      </button>
    </>
  );
}

"use client";

import { DeviceSelect } from "../device-select";
import { LocalVideo } from "../local-video";
import { MediaToggles } from "../media-toggles";
import type { LocalMedia } from "../use-local-media";

/** The camera preview with device choice; problems are sentences, never a black box. */
export function MediaPreview({ media }: { media: LocalMedia }) {
  const showVideo = media.video && media.cameraOn;
  return (
    <section className="preview" aria-label="Camera and microphone">
      <div className="preview__frame">
        {showVideo && media.video ? (
          <LocalVideo track={media.video} label="Your camera preview" />
        ) : (
          <div className="preview__placeholder">
            <span aria-hidden="true" className="preview__icon">
              {media.video ? "🙈" : "📷"}
            </span>
            <p>
              {media.video ? "Camera is off. Strangers will see your avatar." : (media.videoProblem ?? "Starting your camera…")}
            </p>
          </div>
        )}
        <div className="preview__toggles">
          <MediaToggles media={media} compact />
        </div>
      </div>
      {(media.videoProblem || media.audioProblem) && (
        <div className="notice notice--warn" role="status">
          {media.videoProblem && <p>{media.videoProblem}</p>}
          {media.audioProblem && <p>{media.audioProblem}</p>}
          <button type="button" className="button button--ghost" onClick={media.retry}>
            Try again
          </button>
        </div>
      )}
      <div className="preview__devices">
        {media.video && <DeviceSelect kind="videoinput" track={media.video} label="Camera" />}
        {media.audio && <DeviceSelect kind="audioinput" track={media.audio} label="Microphone" />}
      </div>
    </section>
  );
}

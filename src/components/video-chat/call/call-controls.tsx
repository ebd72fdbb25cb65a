"use client";

import { GearIcon, ShieldIcon } from "../../ui/icons";
import { DeviceSelect } from "../device-select";
import { MediaToggles } from "../media-toggles";
import type { LocalMedia } from "../use-local-media";

interface Props {
  media: LocalMedia;
  ended: boolean;
  busy: boolean;
  onNext: () => void;
  onStop: () => void;
  onReport: () => void;
  onBlock: () => void;
  onPanic: () => void;
  /** The phone-size chat drawer button, placed with the media controls. */
  chatToggle?: React.ReactNode;
}

/** The call's control bar. Next is the big friendly one; safety actions sit apart in red. */
export function CallControls({ media, ended, busy, onNext, onStop, onReport, onBlock, onPanic, chatToggle }: Props) {
  return (
    <div className="controls" role="toolbar" aria-label="Call controls">
      <div className="controls__group">
        <MediaToggles media={media} compact />
        {(media.video || media.audio) && (
          <details className="menu">
            <summary className="control" aria-label="Choose camera and microphone">
              <GearIcon />
            </summary>
            <div className="menu__body">
              {media.video && <DeviceSelect kind="videoinput" track={media.video} label="Camera" />}
              {media.audio && <DeviceSelect kind="audioinput" track={media.audio} label="Microphone" />}
            </div>
          </details>
        )}
        {chatToggle}
      </div>
      <div className="controls__group">
        <button type="button" className="button button--primary" onClick={onNext} disabled={busy} aria-keyshortcuts="Escape">
          Next <kbd aria-hidden="true">Esc</kbd>
        </button>
        <button type="button" className="button button--ghost" onClick={onStop} disabled={busy}>
          Stop
        </button>
      </div>
      <div className="controls__group">
        <button type="button" className="button button--ghost-danger" onClick={onReport}>
          Report
        </button>
        <button type="button" className="button button--ghost-danger" onClick={onBlock} disabled={ended || busy}>
          Block
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={onPanic}
          disabled={busy}
          title="Report, block and leave in one step"
          aria-label="Leave and report"
        >
          <ShieldIcon /> <span className="controls__panic-label">Leave &amp; report</span>
        </button>
      </div>
    </div>
  );
}

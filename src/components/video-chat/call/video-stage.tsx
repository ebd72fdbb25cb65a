"use client";

import { ConnectionState } from "livekit-client";
import type { PartnerView } from "@/lib/schemas";
import { LocalVideo } from "../local-video";
import type { LocalMedia } from "../use-local-media";
import { MOOD_INFO } from "../moods";
import { Avatar } from "./partner-card";
import { RemoteVideo } from "./remote-video";
import type { MediaProblem } from "./use-call-room";

function StageMessage({ partner, children }: { partner: PartnerView; children: React.ReactNode }) {
  return (
    <div className="stage__message">
      <Avatar partner={partner} size={72} />
      {children}
    </div>
  );
}

/** Partner large, me small; every non-video moment is a sentence in the same place. */
export function VideoStage({
  sessionId,
  partner,
  elapsed,
  connection,
  problem,
  onRetry,
  media,
  selfBlurred,
  overlay,
  onPartnerVideo,
  guardNotice,
}: {
  sessionId: string;
  partner: PartnerView;
  elapsed: string;
  connection: ConnectionState;
  problem: MediaProblem | null;
  onRetry: () => void;
  media: LocalMedia;
  /** The camera goes out blurred (consent blur): the preview shows that same picture. */
  selfBlurred: boolean;
  overlay: React.ReactNode;
  onPartnerVideo?: (video: HTMLVideoElement | null) => void;
  /** Set when the nudity guard hid the partner's video: the notice over it. */
  guardNotice?: React.ReactNode;
}) {
  let content: React.ReactNode;
  if (problem) {
    content = (
      <StageMessage partner={partner}>
        <div className="stage__problem" role="alert" data-testid="video-problem">
          <p className="stage__sentence">{problem.sentence}</p>
          {problem.detail && <p className="stage__detail">{problem.detail}</p>}
          <p className="stage__detail">Text chat still works.</p>
          {problem.canRetry && (
            <button type="button" className="button button--ghost" onClick={onRetry}>
              Retry video
            </button>
          )}
        </div>
      </StageMessage>
    );
  } else if (connection === ConnectionState.Connected) {
    content = (
      <RemoteVideo
        sessionId={sessionId}
        partnerName={partner.nickname}
        onVideo={onPartnerVideo}
        guarded={!!guardNotice}
        waiting={
          <StageMessage partner={partner}>
            <p className="stage__sentence">Waiting for {partner.nickname}&apos;s camera…</p>
          </StageMessage>
        }
        cameraOff={
          <StageMessage partner={partner}>
            <p className="stage__sentence" data-testid="partner-camera-off">
              {partner.nickname} turned their camera off.
            </p>
          </StageMessage>
        }
      />
    );
  } else {
    const reconnecting = connection === ConnectionState.Reconnecting || connection === ConnectionState.SignalReconnecting;
    content = (
      <StageMessage partner={partner}>
        <p className="stage__sentence" role="status">
          {reconnecting ? "Reconnecting video…" : "Connecting video…"}
        </p>
      </StageMessage>
    );
  }

  return (
    <section className="stage" aria-label={`Video with ${partner.nickname}`}>
      <div className="stage__partner">
        {content}
        {guardNotice}
      </div>
      <p className="stage__tag" aria-hidden="true">
        <Avatar partner={partner} size={26} />
        <strong>{partner.nickname}</strong>
        <span>{(MOOD_INFO[partner.mood] ?? MOOD_INFO.random).emoji}</span>
        <span className="stage__tag-time">{elapsed}</span>
      </p>
      <div className="stage__self">
        {media.video && media.cameraOn ? (
          <>
            <LocalVideo
              tile
              track={media.video}
              label={selfBlurred ? `Your camera, blurred: what ${partner.nickname} sees` : "Your camera"}
            />
            {selfBlurred && (
              <span className="stage__self-badge" data-testid="self-blurred">
                Blurred
              </span>
            )}
          </>
        ) : (
          <p className="stage__self-off">{media.video ? "Camera off" : "No camera"}</p>
        )}
      </div>
      {overlay}
    </section>
  );
}

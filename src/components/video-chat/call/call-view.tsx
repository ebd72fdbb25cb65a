"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { RoomAudioRenderer, RoomContext } from "@livekit/components-react";
import type { LivekitJoin, ReportReason, RevealMode, SessionView } from "@/lib/schemas";
import { ChatIcon } from "../../ui/icons";
import { ChatPanel } from "../chat/chat-panel";
import type { ChatLine } from "../match-state";
import { formatDuration, useNow } from "../use-browser-status";
import type { LocalMedia } from "../use-local-media";
import { CallControls } from "./call-controls";
import { PartnerCard } from "./partner-card";
import { ReportDialog } from "./report-dialog";
import { useCallRoom } from "./use-call-room";
import { useCallTimingMarks } from "./use-call-timing-marks";
import { VideoStage } from "./video-stage";
import { RevealControl } from "../privacy/reveal-control";
import { GuardNotice } from "../privacy/guard-notice";
import { reportDetails } from "../privacy/nudity-rule";
import { useNudityGuard } from "../privacy/use-nudity-guard";
import { grabVideo, MODEL_INPUT } from "../privacy/nsfw-guard";
import type { useCameraBlur } from "../privacy/use-camera-blur";

type CameraBlur = ReturnType<typeof useCameraBlur>;

export interface CallActions {
  next: () => void;
  stop: () => void;
  block: () => void;
  panic: () => void;
  report: (reason: ReportReason, details: string) => Promise<string | null>;
  sendChat: (text: string) => Promise<string | null>;
  typing: () => void;
  reveal: () => Promise<string | null>;
}

interface Props {
  session: SessionView;
  /** null until the token is known, and after the call ended (the room is left at once). */
  livekit: LivekitJoin | null;
  media: LocalMedia;
  /** The consent blur on the camera (privacy/use-camera-blur.ts). */
  cameraBlur: CameraBlur;
  /** REVEAL_MODE: the Reveal control shows only with consent. */
  revealMode: RevealMode;
  chat: ChatLine[];
  partnerTyping: boolean;
  ended: boolean;
  busy: boolean;
  overlay: React.ReactNode;
  actions: CallActions;
}

/** One call: its own LiveKit Room (keyed by session id by the parent), video, chat, controls. */
export function CallView({
  session,
  livekit,
  media,
  cameraBlur,
  revealMode,
  chat,
  partnerTyping,
  ended,
  busy,
  overlay,
  actions,
}: Props) {
  const { room, connection, problem, retry } = useCallRoom(session.id, ended ? null : livekit, {
    video: media.video,
    audio: media.audio,
    canPublishVideo: cameraBlur.canPublish,
  });
  const [reporting, setReporting] = useState(false);

  // The on-device nudity guard: the partner's video always; one's own raw camera before Reveal.
  // Both start once the partner's first frame is shown (the call's setup is over by then).
  const [partnerVideo, setPartnerVideo] = useState<HTMLVideoElement | null>(null);
  const live = !ended && partnerVideo !== null;
  const grabPartner = useMemo(() => (live ? () => grabVideo(partnerVideo) : null), [live, partnerVideo]);
  const partnerFlag = useNudityGuard("partner", grabPartner, session.id);
  const selfProcessor = live && revealMode === "consent" && !session.revealed.me ? cameraBlur.processor : null;
  const grabSelf = useMemo(() => (selfProcessor ? () => selfProcessor.sampleSource(MODEL_INPUT) : null), [selfProcessor]);
  const selfFlag = useNudityGuard("self", grabSelf, session.id);
  const [guardBusy, setGuardBusy] = useState(false);
  const reportNudity = async () => {
    if (!partnerFlag) return;
    setGuardBusy(true);
    await actions.report("nudity", reportDetails(partnerFlag));
    setGuardBusy(false);
  };
  const [chatOpen, setChatOpen] = useState(false);
  const chatInput = useRef<HTMLInputElement>(null);
  const unread = useUnread(chat, chatOpen);
  const now = useNow(!ended);
  const [endedAt, setEndedAt] = useState<number | null>(null);
  useEffect(() => setEndedAt(ended ? Date.now() : null), [ended]);
  const elapsed = formatDuration((endedAt ?? now) - Date.parse(session.createdAt));

  useCallTimingMarks(room, session.id);

  // Esc = Next, unless a dialog or menu has the keyboard.
  const next = useRef(actions.next);
  useEffect(() => {
    next.current = actions.next;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || reporting) return;
      if (document.querySelector("dialog[open]")) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("details[open], select")) return;
      event.preventDefault();
      next.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [reporting]);

  // Put the keyboard in the chat box when a call starts (desktop only: phones would pop the keyboard).
  useEffect(() => {
    if (window.matchMedia("(min-width: 900px)").matches) chatInput.current?.focus();
  }, []);

  return (
    <RoomContext.Provider value={room}>
      <div className={`call${chatOpen ? " call--chat-open" : ""}`}>
        <div className="call__main">
          <VideoStage
            sessionId={session.id}
            partner={session.partner}
            elapsed={elapsed}
            connection={connection}
            problem={ended ? null : problem}
            onRetry={retry}
            media={media}
            selfBlurred={cameraBlur.blurred}
            overlay={overlay}
            onPartnerVideo={setPartnerVideo}
            guardNotice={
              partnerFlag && !ended ? (
                <GuardNotice
                  partnerName={session.partner.nickname}
                  onReport={() => void reportNudity()}
                  onNext={actions.next}
                  busy={busy || guardBusy}
                />
              ) : null
            }
          />
          {revealMode === "consent" && (
            <RevealControl
              revealed={session.revealed}
              partnerName={session.partner.nickname}
              ended={ended}
              onReveal={actions.reveal}
              warning={
                selfFlag
                  ? "Your camera may be showing nudity. It is still blurred for the other person; please cover up before you reveal."
                  : null
              }
            />
          )}
          <CallControls
            media={media}
            ended={ended}
            busy={busy}
            onNext={actions.next}
            onStop={actions.stop}
            onReport={() => setReporting(true)}
            onBlock={actions.block}
            onPanic={actions.panic}
            chatToggle={
              <button
                type="button"
                className="control chat-toggle"
                aria-expanded={chatOpen}
                onClick={() => setChatOpen((open) => !open)}
              >
                <ChatIcon />
                {chatOpen ? "Hide chat" : "Chat"}
                {!chatOpen && unread > 0 && (
                  <span className="badge" aria-label={`${unread} new`}>
                    {unread}
                  </span>
                )}
              </button>
            }
          />
        </div>
        <aside className="call__side" aria-label="About your match and chat">
          <PartnerCard partner={session.partner} elapsed={elapsed} />
          <ChatPanel
            partnerName={session.partner.nickname}
            lines={chat}
            partnerTyping={partnerTyping}
            ended={ended}
            onSend={actions.sendChat}
            onTyping={actions.typing}
            inputRef={chatInput}
          />
        </aside>
      </div>
      <RoomAudioRenderer room={room} />
      <ReportDialog
        open={reporting}
        partnerName={session.partner.nickname}
        onClose={() => setReporting(false)}
        onSubmit={async (reason, details) => {
          const problem = await actions.report(reason, details);
          if (!problem) setReporting(false);
          return problem;
        }}
      />
    </RoomContext.Provider>
  );
}

/** Partner messages that arrived while the phone-size chat drawer was closed. */
function useUnread(chat: ChatLine[], open: boolean): number {
  const fromPartner = chat.filter((line) => line.from === "partner").length;
  const [seen, setSeen] = useState(0);
  useEffect(() => {
    if (open) setSeen(fromPartner);
  }, [open, fromPartner]);
  return Math.max(0, fromPartner - seen);
}

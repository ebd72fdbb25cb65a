"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import Link from "next/link";
import { SessionProvider } from "next-auth/react";
import type { RevealMode, ServerEvents, StatusView } from "@/lib/schemas";
import { api } from "./api";
import { CallView, type CallActions } from "./call/call-view";
import { onMatchArrived } from "./call/early-call-room";
import { EndedOverlay } from "./call/ended-overlay";
import { CallBanner } from "./friends/call-banner";
import { FriendsPanel } from "./friends/friends-panel";
import { initialMatchState, matchReducer, type ServerEventAction } from "./match-state";
import { endedSentence } from "./moods";
import { PrejoinPanel } from "./prejoin/prejoin-panel";
import { QueuePanel } from "./queue/queue-panel";
import { ReflectionCard } from "./reflection/reflection-card";
import { useReflectionPrompt } from "./reflection/use-reflection-prompt";
import { AppHeader } from "./shell/app-header";
import { FullNotice } from "./shell/full-notice";
import { Notices } from "./shell/notices";
import { playMatchSound, playMessageSound } from "./sounds";
import { useNow, useOnline } from "./use-browser-status";
import { useChatMemory } from "./use-chat-memory";
import { useEventStream } from "./use-event-stream";
import { useHeartbeat } from "./use-heartbeat";
import { useLocalMedia } from "./use-local-media";
import { useCameraBlur } from "./privacy/use-camera-blur";
import { useWarmVideoRoute } from "./call/use-warm-video-route";
import { SETTINGS, useLocalSetting } from "./use-local-setting";
import { useMatchActions } from "./use-match-actions";
import { usePreferences } from "./use-preferences";
import { useTabLock } from "./use-tab-lock";

/** The video-chat page on the client: one tab, one event stream, one state machine. */
interface AppProps {
  initialNickname: string;
  livekitUrl: string;
  revealMode: RevealMode;
}

export function VideoChatApp(props: AppProps) {
  return (
    <SessionProvider refetchOnWindowFocus={false}>
      <VideoChat {...props} />
    </SessionProvider>
  );
}

function VideoChat({ initialNickname, livekitUrl, revealMode }: AppProps) {
  const tab = useTabLock();
  const [expired, setExpired] = useState(false);
  const live = tab.role === "active" && !expired;
  const [state, dispatch] = useReducer(matchReducer, initialMatchState);
  const onEvent = useCallback((name: string, data: unknown) => {
    const matched = name === "matched" ? (data as Partial<ServerEvents["matched"]> | null) : null;
    if (matched?.session?.id) onMatchArrived(matched.session.id, matched.livekit);
    dispatch({ type: "event", name, data, now: Date.now() } as ServerEventAction);
  }, []);
  const stream = useEventStream(live, onEvent);
  const markExpired = useCallback(() => setExpired(true), []);
  const revision = useRef(state.revision);
  useEffect(() => {
    revision.current = state.revision;
  }, [state.revision]);
  const onStatus = useCallback(
    (status: StatusView, revisionAtSend: number) => dispatch({ type: "status", data: status, revisionAtSend, now: Date.now() }),
    [],
  );
  const stamp = useCallback(() => revision.current, []);
  useHeartbeat(live, markExpired, onStatus, stamp);
  useEffect(() => {
    if (stream === "unauthenticated") setExpired(true);
  }, [stream]);

  const media = useLocalMedia(live);
  const online = useOnline();
  const [muted, setMuted] = useLocalSetting<boolean>(SETTINGS.muted, false);
  const [autoNext, setAutoNext] = useLocalSetting<boolean>(SETTINGS.autoNext, false);
  const [preferences, setPreferences] = usePreferences();
  const [nickname, setNickname] = useState(initialNickname);
  const actions = useMatchActions({ state, dispatch, preferences, nickname, onExpired: markExpired });
  // a conversation ended that this page never heard start: its queue view is stale, read the truth
  const { resync } = actions;
  useEffect(() => {
    if (state.resyncWanted > 0) void resync();
  }, [state.resyncWanted, resync]);

  const { phase } = state;
  // Consent-first video: the camera is blurred at the source except in a call both revealed.
  const revealedCall = phase.kind === "in_call" && phase.session.revealed.me && phase.session.revealed.partner;
  const cameraBlur = useCameraBlur(media.video, revealMode === "consent" && !revealedCall);
  const now = useNow(
    phase.kind === "waiting" || (state.cooldownUntil ?? 0) > Date.now() || state.partnerTypingUntil > Date.now(),
    500,
  );
  const cooldownLeftMs = state.cooldownUntil ? Math.max(0, state.cooldownUntil - now) : 0;

  useSounds(state.matchCount, state.incomingCount, muted);
  useMissingToken(state, dispatch);
  useWarmVideoRoute(phase.kind === "waiting", livekitUrl);
  useChatMemory(state.chatSessionId, state.chat, dispatch);
  const waitedMs = useWaitedMs(phase.kind === "waiting", now);
  const reflection = useReflectionPrompt(phase);
  const [friendsMade, setFriendsMade] = useState(0);
  const onFriends = useCallback(() => setFriendsMade((n) => n + 1), []);

  if (tab.role === "elsewhere") {
    return (
      <Shell nickname={nickname} stream="paused" online={online} muted={muted} onMuted={setMuted}>
        <FullNotice
          title="MoodMatch is open in another tab"
          action={
            <button type="button" className="button button--primary button--big" onClick={tab.takeOver}>
              Use here
            </button>
          }
        >
          <p className="muted">One tab at a time gets your camera and your chats. Switch back, or continue here.</p>
        </FullNotice>
      </Shell>
    );
  }
  if (expired) {
    return (
      <Shell nickname={nickname} stream="paused" online={online} muted={muted} onMuted={setMuted}>
        <FullNotice
          title="Your session expired — sign in again"
          action={
            <Link className="button button--primary button--big" href="/?next=/video-chat">
              Sign in again
            </Link>
          }
        />
      </Shell>
    );
  }

  const callActions: CallActions = {
    next: actions.next,
    stop: actions.stop,
    block: actions.block,
    panic: actions.panic,
    report: actions.report,
    sendChat: actions.sendChat,
    typing: actions.typing,
    reveal: actions.reveal,
  };

  let body: React.ReactNode;
  if (phase.kind === "loading" || tab.role === "checking") {
    body = (
      <p className="loading" role="status">
        Connecting to MoodMatch…
      </p>
    );
  } else if (phase.kind === "idle") {
    body = (
      <>
        <PrejoinPanel
          nickname={nickname}
          onNickname={setNickname}
          preferences={preferences}
          onPreferences={setPreferences}
          media={media}
          starting={actions.busy}
          cooldownLeftMs={cooldownLeftMs}
          problem={actions.problem}
          onStart={actions.start}
        />
        <FriendsPanel refresh={friendsMade} dispatch={dispatch} ringing={Boolean(state.incomingCall ?? state.outgoingCall)} />
      </>
    );
  } else if (phase.kind === "waiting") {
    body = (
      <>
        <QueuePanel
          queue={phase.queue}
          waitedMs={waitedMs}
          camera={media.cameraOn ? media.video : null}
          onCancel={actions.cancelWait}
          cancelling={actions.busy}
        />
        {actions.problem && (
          <p className="notice notice--error centered" role="alert">
            {actions.problem}
          </p>
        )}
      </>
    );
  } else {
    const ended = phase.kind === "ended";
    const overlay = ended ? (
      <EndedOverlay
        sentence={endedSentence(phase.reason, phase.by, phase.session.partner.nickname)}
        autoNext={phase.by === "partner" && cooldownLeftMs === 0 ? autoNext : null}
        onAutoNext={setAutoNext}
        onFindNext={actions.next}
        busy={actions.busy}
      />
    ) : null;
    body = (
      <>
        <CallView
          key={phase.session.id}
          session={phase.session}
          livekit={phase.kind === "in_call" ? phase.livekit : null}
          media={media}
          cameraBlur={cameraBlur}
          revealMode={revealMode}
          chat={state.chat}
          partnerTyping={state.partnerTypingUntil > now}
          ended={ended}
          busy={actions.busy}
          overlay={overlay}
          actions={callActions}
        />
        {actions.problem && (
          <p className="notice notice--error centered" role="alert">
            {actions.problem}
          </p>
        )}
        <p className="visually-hidden" aria-live="polite">
          {phase.kind === "in_call" ? `You're now talking to ${phase.session.partner.nickname}.` : ""}
        </p>
      </>
    );
  }

  return (
    <Shell nickname={nickname} stream={stream} online={online} muted={muted} onMuted={setMuted}>
      <Notices online={online} stream={stream} maintenance={state.maintenance} cooldownLeftMs={cooldownLeftMs} />
      {reflection.prompt && phase.kind !== "in_call" && (
        <ReflectionCard
          key={reflection.prompt.sessionId}
          prompt={reflection.prompt}
          onDone={reflection.dismiss}
          onFriends={onFriends}
        />
      )}
      {phase.kind !== "in_call" && <CallBanner state={state} dispatch={dispatch} />}
      {body}
    </Shell>
  );
}

function Shell({ children, ...header }: { children: React.ReactNode } & React.ComponentProps<typeof AppHeader>) {
  return (
    <div className="app">
      <AppHeader {...header} />
      <main className="app__main" id="main">
        {children}
      </main>
    </div>
  );
}

/** Chimes on a new match and on each message from the partner (not on page load). */
function useSounds(matchCount: number, incomingCount: number, muted: boolean) {
  const seen = useRef({ matchCount, incomingCount });
  useEffect(() => {
    const before = seen.current;
    seen.current = { matchCount, incomingCount };
    if (muted) return;
    if (matchCount > before.matchCount) playMatchSound();
    else if (incomingCount > before.incomingCount) playMessageSound();
  }, [matchCount, incomingCount, muted]);
}

/** A call without a token (a `state` snapshot that left it out): fetch a fresh one. */
function useMissingToken(state: ReturnType<typeof matchReducer>, dispatch: (a: Parameters<typeof matchReducer>[1]) => void) {
  const sessionId = state.phase.kind === "in_call" && !state.phase.livekit ? state.phase.session.id : null;
  useEffect(() => {
    if (!sessionId) return;
    let cancelled = false;
    api.session().then(
      (join) => {
        if (!cancelled && join.session.id === sessionId) dispatch({ type: "livekit", sessionId, livekit: join.livekit });
      },
      () => {}, // 404: the call is gone; the event stream says so.
    );
    return () => {
      cancelled = true;
    };
  }, [sessionId, dispatch]);
}

function useWaitedMs(waiting: boolean, now: number): number {
  const [since, setSince] = useState<number | null>(null);
  useEffect(() => setSince(waiting ? Date.now() : null), [waiting]);
  return since === null ? 0 : Math.max(0, now - since);
}

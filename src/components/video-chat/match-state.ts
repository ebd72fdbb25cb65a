import type {
  EndReason,
  EnqueueResult,
  InviteEndReason,
  InviteView,
  LivekitJoin,
  QueueView,
  RevealView,
  ServerEventName,
  ServerEvents,
  SessionView,
  StatusView,
} from "@/lib/schemas";

/**
 * The page's matching state as one pure reducer. Server events (SSE) and API responses both feed
 * it; `state` snapshots win on every (re)connect, so anything missed while offline is repaired.
 */

export type Phase =
  /** Before the first `state` snapshot: we don't know yet. */
  | { kind: "loading" }
  | { kind: "idle" }
  | { kind: "waiting"; queue: QueueView | null }
  | { kind: "in_call"; session: SessionView; livekit: LivekitJoin | null }
  /** The call is over but still on screen: who ended it and why, with one button to go again. */
  | { kind: "ended"; session: SessionView; reason: EndReason; by: "partner" | "me" };

export interface ChatLine {
  id: string;
  text: string;
  sentAt: string;
  from: "me" | "partner";
  /** A message of mine the server hasn't acknowledged yet. */
  pending?: boolean;
}

export interface MatchState {
  phase: Phase;
  chatSessionId: string | null;
  chat: ChatLine[];
  /** Epoch ms until which "Stranger is typing…" shows. */
  partnerTypingUntil: number;
  cooldownUntil: number | null;
  maintenance: string | null;
  /** Increases on every new match, so views can react (sound, focus) exactly once. */
  matchCount: number;
  /** Increases on every incoming partner message (sound, unread badge). */
  incomingCount: number;
  /**
   * Increases with every server event and every queue action of the page: a status read is
   * applied only if nothing changed while it was on its way.
   */
  revision: number;
  /**
   * Increases when the page should re-read its status: the end of a conversation it never heard
   * start arrived while it showed the queue (its `matched` notice was lost, e.g. the match was
   * announced late after an outage), so the queue view is no longer true.
   */
  resyncWanted: number;
  /** A friend calling me (ringing until it is accepted, declined or over). */
  incomingCall: InviteView | null;
  /** My call to a friend, ringing on their side. */
  outgoingCall: { invite: InviteView; friendNickname: string } | null;
  /** Why my call to a friend did not connect ("… didn't answer"), until dismissed or the next call. */
  callNotice: string | null;
}

export const TYPING_SHOWN_MS = 4_000;

export const initialMatchState: MatchState = {
  phase: { kind: "loading" },
  chatSessionId: null,
  chat: [],
  partnerTypingUntil: 0,
  cooldownUntil: null,
  maintenance: null,
  matchCount: 0,
  incomingCount: 0,
  revision: 0,
  resyncWanted: 0,
  incomingCall: null,
  outgoingCall: null,
  callNotice: null,
};

export type ServerEventAction = {
  [K in ServerEventName]: { type: "event"; name: K; data: ServerEvents[K]; now: number };
}[ServerEventName];

export type MatchAction =
  | ServerEventAction
  /** An enqueue or skip answer; `matchCountAtSend`: `matchCount` when the request left. */
  | { type: "enqueued"; result: EnqueueResult; matchCountAtSend?: number }
  /** A status read (heartbeat); `revisionAtSend`: `revision` when the request left. */
  | { type: "status"; data: StatusView; revisionAtSend: number; now: number }
  | { type: "stopped" }
  /** The call ended by my own action (block, report, panic) before the server's event arrived. */
  | { type: "ended_by_me"; sessionId: string; reason: EndReason }
  | { type: "livekit"; sessionId: string; livekit: LivekitJoin }
  /** The answer of my own Reveal. */
  | { type: "revealed"; sessionId: string; revealed: RevealView }
  | { type: "chat_pending"; sessionId: string; line: ChatLine }
  | { type: "chat_acked"; sessionId: string; tempId: string; id: string; sentAt: string }
  | { type: "chat_failed"; sessionId: string; tempId: string }
  /** Lines kept in this tab's sessionStorage, put back after a refresh (events already seen are merged). */
  | { type: "chat_restored"; sessionId: string; lines: ChatLine[] }
  | { type: "cooldown"; until: number | null }
  | { type: "maintenance"; message: string | null }
  /** My call to a friend rings (the call answer). */
  | { type: "calling"; invite: InviteView; friendNickname: string }
  /** An invite this page answered or hung up (before the server's `invite_ended`). */
  | { type: "call_cleared"; inviteId: string }
  | { type: "call_notice"; message: string | null };

export function currentSession(phase: Phase): SessionView | null {
  return phase.kind === "in_call" || phase.kind === "ended" ? phase.session : null;
}

/** A reveal cannot be taken back within a session: whatever said "revealed" once stays so. */
function mergeRevealed(a: RevealView, b: RevealView): RevealView {
  const merged = { me: a.me || b.me, partner: a.partner || b.partner };
  return merged.me === a.me && merged.partner === a.partner ? a : merged;
}

/** Applies reveal news to the call on screen (in the call or on its ended overlay) if it is that session. */
function applyReveal(state: MatchState, sessionId: string, revealed: RevealView): MatchState {
  const phase = state.phase;
  if ((phase.kind !== "in_call" && phase.kind !== "ended") || phase.session.id !== sessionId) return state;
  const merged = mergeRevealed(phase.session.revealed, revealed);
  if (merged === phase.session.revealed) return state;
  return { ...state, phase: { ...phase, session: { ...phase.session, revealed: merged } } };
}

function enterCall(state: MatchState, session: SessionView, livekit: LivekitJoin | null): MatchState {
  const phase = state.phase;
  if (phase.kind === "in_call" && phase.session.id === session.id) {
    // Same call: keep the token we already use, so the video room is not torn down and rejoined.
    const revealed = mergeRevealed(phase.session.revealed, session.revealed);
    return { ...state, phase: { kind: "in_call", session: { ...session, revealed }, livekit: phase.livekit ?? livekit } };
  }
  const sameChat = state.chatSessionId === session.id;
  return {
    ...state,
    // a call of any kind ends the ringing on both sides
    incomingCall: null,
    outgoingCall: null,
    callNotice: null,
    phase: { kind: "in_call", session, livekit },
    chatSessionId: session.id,
    chat: sameChat ? state.chat : [],
    partnerTypingUntil: 0,
    matchCount: sameChat ? state.matchCount : state.matchCount + 1,
  };
}

function endCall(state: MatchState, sessionId: string, reason: EndReason, by: "partner" | "me"): MatchState {
  const phase = state.phase;
  if (phase.kind !== "in_call" || phase.session.id !== sessionId) return state;
  return { ...state, phase: { kind: "ended", session: phase.session, reason, by }, partnerTypingUntil: 0 };
}

function addChat(state: MatchState, sessionId: string, line: ChatLine): MatchState {
  if (state.chatSessionId !== sessionId) return state;
  const index = state.chat.findIndex((l) => l.id === line.id);
  if (index >= 0) {
    // The server's echo of my own message: take its (possibly masked) text, keep the order.
    const chat = state.chat.slice();
    chat[index] = { ...chat[index], text: line.text, sentAt: line.sentAt, pending: false };
    return { ...state, chat };
  }
  return { ...state, chat: [...state.chat, line] };
}

function applyEvent(state: MatchState, action: ServerEventAction): MatchState {
  switch (action.name) {
    case "state": {
      const snapshot = action.data;
      const cooldownUntil = snapshot.cooldownUntil ? Date.parse(snapshot.cooldownUntil) : null;
      // a snapshot's invites are the calls ringing now (a heartbeat's status carries none: keep ours)
      const ringing = "invites" in snapshot && snapshot.invites ? { incomingCall: snapshot.invites[0] ?? null } : {};
      const next = { ...state, cooldownUntil, ...ringing };
      if (snapshot.status === "in_session") return enterCall(next, snapshot.session, snapshot.livekit ?? null);
      if (snapshot.status === "waiting") {
        const { position, waiting, estimatedWaitMs } = snapshot;
        return { ...next, phase: { kind: "waiting", queue: { position, waiting, estimatedWaitMs } } };
      }
      // Idle: an "ended" screen is an idle state too; keep it so "Stranger left." stays readable.
      return state.phase.kind === "ended" ? next : { ...next, phase: { kind: "idle" } };
    }
    case "queue":
      if (state.phase.kind === "in_call") return state;
      return { ...state, phase: { kind: "waiting", queue: action.data } };
    case "matched":
      return enterCall(state, action.data.session, action.data.livekit);
    case "partner_left":
      return endCall(state, action.data.sessionId, action.data.reason, "partner");
    case "session_ended": {
      const { sessionId, reason } = action.data;
      const phase = state.phase;
      if (phase.kind !== "in_call" || phase.session.id !== sessionId) return state;
      // My own Next/Stop: the API answer moves me on (queue or idle); don't flash "you left".
      if (reason === "skip") return { ...state, phase: { kind: "waiting", queue: null }, partnerTypingUntil: 0 };
      if (reason === "end") return { ...state, phase: { kind: "idle" }, partnerTypingUntil: 0 };
      return endCall(state, sessionId, reason, "me");
    }
    case "chat": {
      const { sessionId, id, text, sentAt, from } = action.data;
      const next = addChat(state, sessionId, { id, text, sentAt, from });
      if (from !== "partner" || next === state) return next;
      const isNew = next.chat.length > state.chat.length;
      return { ...next, partnerTypingUntil: 0, incomingCount: state.incomingCount + (isNew ? 1 : 0) };
    }
    case "typing": {
      const session = currentSession(state.phase);
      if (state.phase.kind !== "in_call" || session?.id !== action.data.sessionId) return state;
      return { ...state, partnerTypingUntil: action.now + TYPING_SHOWN_MS };
    }
    case "reveal": {
      const { sessionId, me, partner } = action.data;
      return applyReveal(state, sessionId, { me, partner });
    }
    case "cooldown":
      return { ...state, cooldownUntil: Date.parse(action.data.until) || null };
    case "maintenance":
      return { ...state, maintenance: action.data.message || "MoodMatch is under maintenance. Please come back soon." };
    case "invite":
      return { ...state, incomingCall: action.data };
    case "invite_ended":
      return inviteEnded(state, action.data.inviteId, action.data.reason);
  }
}

/** What the caller reads when their call did not connect (null: nothing to say). */
const CALL_NOTICES: Record<InviteEndReason, ((name: string) => string) | null> = {
  accepted: null,
  cancelled: null,
  declined: (name) => `${name} can't talk right now.`,
  timeout: (name) => `${name} didn't answer.`,
  busy: (name) => `${name} is in another call.`,
  ended: () => "That call can't happen any more.",
};

function inviteEnded(state: MatchState, inviteId: string, reason: InviteEndReason): MatchState {
  const incomingCall = state.incomingCall?.id === inviteId ? null : state.incomingCall;
  const mine = state.outgoingCall?.invite.id === inviteId ? state.outgoingCall : null;
  if (!mine) return incomingCall === state.incomingCall ? state : { ...state, incomingCall };
  return { ...state, incomingCall, outgoingCall: null, callNotice: CALL_NOTICES[reason]?.(mine.friendNickname) ?? null };
}

export function matchReducer(state: MatchState, action: MatchAction): MatchState {
  switch (action.type) {
    case "event": {
      const next = { ...applyEvent(state, action), revision: state.revision + 1 };
      const ending = action.name === "partner_left" || action.name === "session_ended";
      if (ending && state.phase.kind === "waiting" && action.data.sessionId !== state.chatSessionId) {
        return { ...next, resyncWanted: state.resyncWanted + 1 };
      }
      return next;
    }
    case "status":
      // Only if nothing changed meanwhile: the read may be older than what we know now.
      if (state.revision !== action.revisionAtSend) return state;
      return applyEvent(state, { type: "event", name: "state", data: action.data, now: action.now });
    case "enqueued":
    case "stopped":
    case "ended_by_me":
      return { ...queueAction(state, action), revision: state.revision + 1 };
    default:
      return localAction(state, action);
  }
}

/** The page's own queue actions (answers of enqueue/skip, Stop, its own end). */
function queueAction(
  state: MatchState,
  action: Extract<MatchAction, { type: "enqueued" | "stopped" | "ended_by_me" }>,
): MatchState {
  switch (action.type) {
    case "enqueued": {
      const result = action.result;
      if (result.status === "in_session") return enterCall(state, result.session, result.livekit);
      // A `matched` event may have overtaken this answer: a call beats a stale "waiting", and so
      // does a call that started and already ended after the request left (the server has
      // moved on; the answer describes a queue the user has since left).
      if (state.phase.kind === "in_call") return state;
      if (action.matchCountAtSend !== undefined && state.matchCount > action.matchCountAtSend) return state;
      const { position, waiting, estimatedWaitMs } = result;
      return { ...state, phase: { kind: "waiting", queue: { position, waiting, estimatedWaitMs } }, maintenance: null };
    }
    case "stopped":
      return { ...state, phase: { kind: "idle" }, partnerTypingUntil: 0 };
    case "ended_by_me":
      return endCall(state, action.sessionId, action.reason, "me");
  }
}

/** Everything else the page does locally: tokens, chat lines, banners. */
function localAction(
  state: MatchState,
  action: Exclude<MatchAction, { type: "event" | "status" | "enqueued" | "stopped" | "ended_by_me" }>,
): MatchState {
  switch (action.type) {
    case "livekit": {
      const phase = state.phase;
      if (phase.kind !== "in_call" || phase.session.id !== action.sessionId) return state;
      return { ...state, phase: { ...phase, livekit: action.livekit } };
    }
    case "revealed":
      return applyReveal(state, action.sessionId, action.revealed);
    case "chat_pending":
      return addChat(state, action.sessionId, action.line);
    case "chat_acked": {
      if (state.chatSessionId !== action.sessionId) return state;
      const echoed = state.chat.some((l) => l.id === action.id);
      const chat = echoed
        ? state.chat.filter((l) => l.id !== action.tempId)
        : state.chat.map((l) => (l.id === action.tempId ? { ...l, id: action.id, sentAt: action.sentAt, pending: false } : l));
      return { ...state, chat };
    }
    case "chat_failed":
      if (state.chatSessionId !== action.sessionId) return state;
      return { ...state, chat: state.chat.filter((l) => l.id !== action.tempId) };
    case "chat_restored": {
      if (state.chatSessionId !== action.sessionId) return state;
      const known = new Set(state.chat.map((l) => l.id));
      const restored = action.lines.filter((l) => !known.has(l.id) && !l.pending);
      return restored.length ? { ...state, chat: [...restored, ...state.chat] } : state;
    }
    case "cooldown":
      return { ...state, cooldownUntil: action.until };
    case "maintenance":
      return { ...state, maintenance: action.message };
    case "calling":
      return { ...state, outgoingCall: { invite: action.invite, friendNickname: action.friendNickname }, callNotice: null };
    case "call_cleared":
      return {
        ...state,
        incomingCall: state.incomingCall?.id === action.inviteId ? null : state.incomingCall,
        outgoingCall: state.outgoingCall?.invite.id === action.inviteId ? null : state.outgoingCall,
      };
    case "call_notice":
      return { ...state, callNotice: action.message };
  }
}

"use client";

import { useEffect, useState } from "react";
import { api, isApiError } from "../api";
import type { MatchAction, MatchState } from "../match-state";
import { useNow } from "../use-browser-status";

/**
 * A friend call while it rings: "Ada is calling" with Accept / Decline for the friend, "Calling
 * Bo…" with Cancel for the caller, and why a call did not connect. Each side stops ringing at the
 * invite's expiresAt on its own, even if the server's `invite_ended` never arrives.
 */
export function CallBanner({
  state,
  dispatch,
}: {
  state: Pick<MatchState, "incomingCall" | "outgoingCall" | "callNotice">;
  dispatch: (action: MatchAction) => void;
}) {
  const { incomingCall, outgoingCall, callNotice } = state;
  const invite = incomingCall ?? outgoingCall?.invite ?? null;
  const now = useNow(invite !== null, 500);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const leftMs = invite ? Date.parse(invite.expiresAt) - now : 0;
  const inviteId = invite?.id;
  useEffect(() => {
    if (inviteId && leftMs <= 0) dispatch({ type: "call_cleared", inviteId });
  }, [inviteId, leftMs, dispatch]);

  async function answer() {
    if (!incomingCall) return;
    setBusy(true);
    setProblem(null);
    try {
      dispatch({ type: "enqueued", result: await api.acceptCall(incomingCall.id) });
    } catch (error) {
      dispatch({ type: "call_cleared", inviteId: incomingCall.id });
      setProblem(isApiError(error) ? error.message : "That call didn't go through.");
    } finally {
      setBusy(false);
    }
  }

  async function hangUp(id: string) {
    setBusy(true);
    dispatch({ type: "call_cleared", inviteId: id });
    // already over on the server is fine: it is over either way
    await api.endCall(id).catch(() => {});
    setBusy(false);
  }

  const seconds = Math.max(0, Math.ceil(leftMs / 1000));
  if (incomingCall) {
    const name = incomingCall.from.nickname;
    return (
      <section className="panel call-banner" role="alertdialog" aria-labelledby="call-banner-title" data-testid="incoming-call">
        <p id="call-banner-title" className="call-banner__title">
          <span aria-hidden="true">{incomingCall.from.avatar ?? name.slice(0, 1).toUpperCase()}</span> {name} is calling you
        </p>
        <p className="muted call-banner__time">{seconds} s to answer</p>
        <div className="call-banner__actions">
          <button
            type="button"
            className="button button--primary"
            onClick={answer}
            disabled={busy}
            aria-label={`Accept call from ${name}`}
          >
            Accept
          </button>
          <button type="button" className="button button--ghost" onClick={() => hangUp(incomingCall.id)} disabled={busy}>
            Decline
          </button>
        </div>
      </section>
    );
  }
  if (outgoingCall) {
    return (
      <section className="panel call-banner" role="status" data-testid="outgoing-call">
        <p className="call-banner__title">Calling {outgoingCall.friendNickname}…</p>
        <p className="muted call-banner__time">{seconds} s</p>
        <div className="call-banner__actions">
          <button type="button" className="button button--ghost" onClick={() => hangUp(outgoingCall.invite.id)} disabled={busy}>
            Cancel
          </button>
        </div>
      </section>
    );
  }
  const notice = problem ?? callNotice;
  if (!notice) return null;
  return (
    <p className="notice centered call-banner__notice" role="status" data-testid="call-notice">
      {notice}{" "}
      <button
        type="button"
        className="button button--ghost"
        onClick={() => {
          setProblem(null);
          dispatch({ type: "call_notice", message: null });
        }}
      >
        OK
      </button>
    </p>
  );
}

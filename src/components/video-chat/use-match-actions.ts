"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import { signIn } from "next-auth/react";
import { nicknameSchema, type EndReason, type EnqueueResult, type ReportReason } from "@/lib/schemas";
import { api, ApiError, isApiError } from "./api";
import { CALL_MARKS, markCall } from "./call-timing";
import { onMatchArrived } from "./call/early-call-room";
import { currentSession, type MatchAction, type MatchState } from "./match-state";
import type { Preferences } from "./prejoin/prejoin-panel";

interface Options {
  state: MatchState;
  dispatch: (action: MatchAction) => void;
  preferences: Preferences;
  nickname: string;
  onExpired: () => void;
}

let tempIds = 0;

/**
 * Every user action as one function: call the API, feed the answer to the reducer, and turn any
 * failure into a sentence (or a cooldown / maintenance / expired state). Reads the latest state
 * through a ref so callbacks stay stable for keyboard shortcuts and timers.
 */
export function useMatchActions({ state, dispatch, preferences, nickname, onExpired }: Options) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const latest = useRef({ state, preferences, nickname });
  latest.current = { state, preferences, nickname };
  const savedNickname = useRef(nickname);
  const inFlight = useRef(false);

  /** Side effects of well-known errors; returns the sentence to show (null: a banner says it). */
  const explain = useCallback(
    (error: unknown): string | null => {
      if (!(error instanceof ApiError)) return "Something went wrong. Please try again.";
      switch (error.code) {
        case "UNAUTHENTICATED":
          onExpired();
          return "Your session expired — sign in again.";
        case "COOLDOWN":
          dispatch({ type: "cooldown", until: error.cooldownUntil() });
          return error.cooldownUntil() ? null : error.message;
        case "MAINTENANCE":
          dispatch({ type: "maintenance", message: error.message });
          return null;
        case "FORBIDDEN":
          return `You can't join chats right now. ${error.message}`;
        case "RATE_LIMITED":
          return `Slow down a little — try again in ${Math.ceil((error.retryAfterMs ?? 2000) / 1000)} s.`;
        default:
          return error.message;
      }
    },
    [dispatch, onExpired],
  );

  /** After a refused action the server may still have moved us (a skip that ends the call but
   * earns a cooldown ends idle): read the truth rather than guess. */
  const resync = useCallback(async () => {
    const snapshot = await api.status().catch(() => null);
    if (snapshot) dispatch({ type: "event", name: "state", data: snapshot, now: Date.now() });
  }, [dispatch]);

  /** Runs one queue-changing action at a time: rapid clicks on Next never overlap. */
  const run = useCallback(
    async (task: () => Promise<void>) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setBusy(true);
      setProblem(null);
      try {
        await task();
      } catch (error) {
        setProblem(explain(error));
        if (error instanceof ApiError && (error.status === 409 || error.status === 429)) await resync();
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
    [explain, resync],
  );

  /** A Start/Next answer: a call in it starts connecting at once (call/early-call-room.ts). */
  const answered = useCallback(
    (result: EnqueueResult, matchCountAtSend: number) => {
      if (result.status === "in_session") onMatchArrived(result.session.id, result.livekit);
      dispatch({ type: "enqueued", result, matchCountAtSend });
    },
    [dispatch],
  );

  const enqueue = useCallback(async () => {
    const { preferences: prefs } = latest.current;
    const matchCountAtSend = latest.current.state.matchCount;
    try {
      answered(await api.enqueue({ mood: prefs.mood, interests: prefs.interests, mode: prefs.mode }), matchCountAtSend);
    } catch (error) {
      if (!isApiError(error, "ALREADY_IN_SESSION")) throw error;
      // We are in a call the page didn't know about (another tab, a lost event): rejoin it.
      const join = await api.session();
      dispatch({ type: "enqueued", result: { status: "in_session", ...join } });
    }
  }, [dispatch, answered]);

  const start = useCallback(
    () =>
      run(async () => {
        markCall(CALL_MARKS.asked);
        const wanted = latest.current.nickname.trim();
        if (wanted && wanted !== savedNickname.current) {
          const parsed = nicknameSchema.safeParse(wanted);
          if (!parsed.success)
            throw new ApiError(400, "INVALID_INPUT", "A nickname can use letters, digits, spaces and _ . - (up to 24).");
          const result = await signIn("guest", { nickname: parsed.data, redirect: false });
          if (!result?.ok)
            throw new ApiError(result?.status ?? 0, "RENAME_FAILED", "Couldn't change your nickname. Please try again.");
          savedNickname.current = parsed.data;
        }
        await enqueue();
      }),
    [run, enqueue],
  );

  const next = useCallback(
    () =>
      run(async () => {
        markCall(CALL_MARKS.asked);
        const phase = latest.current.state.phase;
        if (phase.kind === "in_call") {
          try {
            const matchCountAtSend = latest.current.state.matchCount;
            answered(await api.skip(), matchCountAtSend);
            return;
          } catch (error) {
            if (!isApiError(error, "NOT_IN_SESSION")) throw error;
          }
        }
        if (phase.kind === "waiting") return;
        await enqueue();
      }),
    [run, answered, enqueue],
  );

  const stop = useCallback(
    () =>
      run(async () => {
        await api.end();
        dispatch({ type: "stopped" });
      }),
    [run, dispatch],
  );

  const endWith = useCallback(
    (reason: EndReason, task: (sessionId: string) => Promise<void>) =>
      run(async () => {
        const session = currentSession(latest.current.state.phase);
        if (!session) return;
        await task(session.id);
        dispatch({ type: "ended_by_me", sessionId: session.id, reason });
      }),
    [run, dispatch],
  );

  const block = useCallback(() => endWith("block", async (id) => void (await api.block(id))), [endWith]);

  /** One step out: report (the server also blocks and ends), block again harmlessly, leave. */
  const panic = useCallback(
    () =>
      endWith("report", async (id) => {
        await api.report(id, "other", "Panic button: left at once.").catch(() => {});
        await api.block(id).catch(() => {});
        await api.end().catch(() => {});
      }),
    [endWith],
  );

  const report = useCallback(
    async (reason: ReportReason, details: string): Promise<string | null> => {
      const session = currentSession(latest.current.state.phase);
      if (!session) return "This chat has already ended.";
      try {
        await api.report(session.id, reason, details || undefined);
        dispatch({ type: "ended_by_me", sessionId: session.id, reason: "report" });
        return null;
      } catch (error) {
        return explain(error) ?? "Couldn't send the report. Please try again.";
      }
    },
    [dispatch, explain],
  );

  const sendChat = useCallback(
    async (text: string): Promise<string | null> => {
      const session = currentSession(latest.current.state.phase);
      if (!session) return "This chat has ended.";
      const tempId = `local-${++tempIds}`;
      dispatch({
        type: "chat_pending",
        sessionId: session.id,
        line: { id: tempId, text, sentAt: new Date().toISOString(), from: "me", pending: true },
      });
      try {
        const { id, sentAt } = await api.sendChat(session.id, text);
        dispatch({ type: "chat_acked", sessionId: session.id, tempId, id, sentAt });
        return null;
      } catch (error) {
        dispatch({ type: "chat_failed", sessionId: session.id, tempId });
        if (isApiError(error, "FORBIDDEN") || isApiError(error, "NOT_IN_SESSION"))
          return "This chat has ended, so the message wasn't sent.";
        return explain(error) ?? "The message wasn't sent.";
      }
    },
    [dispatch, explain],
  );

  /** Reveal my camera in this call; the answer is applied at once (the `reveal` event confirms it). */
  const reveal = useCallback(async (): Promise<string | null> => {
    const session = currentSession(latest.current.state.phase);
    if (!session) return "This chat has already ended.";
    try {
      const { revealed } = await api.reveal(session.id);
      dispatch({ type: "revealed", sessionId: session.id, revealed });
      return null;
    } catch (error) {
      if (isApiError(error, "NOT_IN_SESSION") || isApiError(error, "FORBIDDEN")) return "This chat has already ended.";
      return explain(error) ?? "Couldn't reveal. Please try again.";
    }
  }, [dispatch, explain]);

  const typing = useCallback(() => {
    const phase = latest.current.state.phase;
    if (phase.kind === "in_call") void api.typing(phase.session.id).catch(() => {});
  }, []);

  const cancelWait = stop;

  return useMemo(
    () => ({
      busy,
      problem,
      clearProblem: () => setProblem(null),
      start,
      next,
      stop,
      cancelWait,
      block,
      panic,
      report,
      sendChat,
      typing,
      reveal,
      resync,
    }),
    [busy, problem, start, next, stop, cancelWait, block, panic, report, sendChat, typing, reveal, resync],
  );
}

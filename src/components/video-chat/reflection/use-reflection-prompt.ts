"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { deservesReflection } from "@/lib/reflections";
import type { MatchState } from "../match-state";

export interface ReflectionPrompt {
  sessionId: string;
  partnerNickname: string;
}

/**
 * Offers a reflection card when a call this page showed for at least 20 s is over (the server
 * applies the same rule, src/lib/reflections.ts). The length is measured on this page, from the
 * moment it showed the call, so a refresh mid-call can only make it shorter, never offer a card
 * the server refuses. Not after my own report or block: that already said it. A new call
 * replaces the card: the person has moved on.
 */
export function useReflectionPrompt(phase: MatchState["phase"]): { prompt: ReflectionPrompt | null; dismiss: () => void } {
  const [prompt, setPrompt] = useState<ReflectionPrompt | null>(null);
  const current = useRef<{ sessionId: string; partnerNickname: string; since: number } | null>(null);

  const inCallId = phase.kind === "in_call" ? phase.session.id : null;
  const partnerNickname = phase.kind === "in_call" ? phase.session.partner.nickname : null;
  const ownSafetyAction = phase.kind === "ended" && phase.by === "me" && (phase.reason === "report" || phase.reason === "block");
  useEffect(() => {
    const call = current.current;
    if (call && call.sessionId !== inCallId) {
      current.current = null;
      if (!ownSafetyAction && deservesReflection({ startedAt: call.since, endedAt: Date.now() })) {
        setPrompt({ sessionId: call.sessionId, partnerNickname: call.partnerNickname });
      }
    }
    if (inCallId && partnerNickname && current.current === null) {
      current.current = { sessionId: inCallId, partnerNickname, since: Date.now() };
      setPrompt(null);
    }
  }, [inCallId, partnerNickname, ownSafetyAction]);

  const dismiss = useCallback(() => setPrompt(null), []);
  return { prompt, dismiss };
}

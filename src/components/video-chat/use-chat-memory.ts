"use client";

import { useEffect } from "react";
import type { ChatLine, MatchAction } from "./match-state";

const KEY = "mm:chat";

/**
 * Keeps the current conversation in this tab's sessionStorage, so a refresh that rejoins the
 * call also brings back what was said. Only one conversation is kept; it never leaves the tab.
 */
export function useChatMemory(sessionId: string | null, lines: ChatLine[], dispatch: (action: MatchAction) => void) {
  useEffect(() => {
    if (!sessionId) return;
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as { sessionId?: string; lines?: ChatLine[] } | null;
      if (saved?.sessionId === sessionId && Array.isArray(saved.lines))
        dispatch({ type: "chat_restored", sessionId, lines: saved.lines });
    } catch {
      // Unreadable memory: start the log empty.
    }
  }, [sessionId, dispatch]);

  useEffect(() => {
    if (!sessionId) return;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ sessionId, lines: lines.filter((l) => !l.pending).slice(-200) }));
    } catch {
      // Storage full or disabled: nothing to keep.
    }
  }, [sessionId, lines]);
}

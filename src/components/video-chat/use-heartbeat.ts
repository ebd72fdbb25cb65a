"use client";

import { useEffect, useRef } from "react";
import type { StatusView } from "@/lib/schemas";
import { api, isApiError } from "./api";

export const HEARTBEAT_MS = 30_000;

/**
 * Presence: POST /api/matching/heartbeat every 30 s while the page is open and in charge. Its
 * answer is the server's status; `onStatus` gets it with what `stamp()` said when the beat left,
 * so the page can correct a view that went stale (a lost notice) without undoing newer events.
 */
export function useHeartbeat(
  enabled: boolean,
  onUnauthenticated: () => void,
  onStatus: (status: StatusView, stampAtSend: number) => void,
  stamp: () => number,
) {
  const handlers = useRef({ onUnauthenticated, onStatus, stamp });
  useEffect(() => {
    handlers.current = { onUnauthenticated, onStatus, stamp };
  });

  useEffect(() => {
    if (!enabled) return;
    const beat = () => {
      const sentAt = handlers.current.stamp();
      api.heartbeat().then(
        (status) => handlers.current.onStatus(status, sentAt),
        (error: unknown) => {
          if (isApiError(error, "UNAUTHENTICATED")) handlers.current.onUnauthenticated();
        },
      );
    };
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [enabled]);
}

"use client";

import { useEffect, useRef } from "react";
import { api, isApiError } from "./api";

export const HEARTBEAT_MS = 30_000;

/** Presence: POST /api/matching/heartbeat every 30 s while the page is open and in charge. */
export function useHeartbeat(enabled: boolean, onUnauthenticated: () => void) {
  const onExpired = useRef(onUnauthenticated);
  useEffect(() => {
    onExpired.current = onUnauthenticated;
  });

  useEffect(() => {
    if (!enabled) return;
    const beat = () =>
      api.heartbeat().catch((error: unknown) => {
        if (isApiError(error, "UNAUTHENTICATED")) onExpired.current();
      });
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [enabled]);
}

"use client";

import { useEffect, useRef, useState } from "react";
import { SERVER_EVENT_NAMES, type ServerEventName, type ServerEvents } from "@/lib/schemas";
import { api, isApiError } from "./api";

export type StreamStatus = "connecting" | "open" | "reconnecting" | "unauthenticated";

type Handler = <K extends ServerEventName>(name: K, data: ServerEvents[K]) => void;

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 15_000];

/**
 * The tab's one EventSource to /api/matching/events. The browser reconnects by itself after a
 * dropped stream (sending Last-Event-ID); when the server refuses the stream outright the
 * EventSource closes for good, so we ask /status why: 401 means the session expired, anything
 * else is retried with backoff.
 */
export function useEventStream(enabled: boolean, onEvent: Handler): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const open = () => {
      if (stopped) return;
      source = new EventSource("/api/matching/events");
      for (const name of SERVER_EVENT_NAMES) {
        source.addEventListener(name, (message) => {
          let data: unknown;
          try {
            data = JSON.parse((message as MessageEvent<string>).data);
          } catch {
            return; // A malformed frame must not take the page down.
          }
          handler.current(name, data as ServerEvents[typeof name]);
        });
      }
      source.onopen = () => {
        failures = 0;
        setStatus("open");
      };
      source.onerror = () => {
        if (stopped || !source) return;
        if (source.readyState !== EventSource.CLOSED) {
          setStatus("reconnecting");
          return;
        }
        source = null;
        void api.status().then(
          () => scheduleRetry(),
          (error: unknown) => {
            if (isApiError(error, "UNAUTHENTICATED")) setStatus("unauthenticated");
            else scheduleRetry();
          },
        );
      };
    };

    const scheduleRetry = () => {
      if (stopped) return;
      setStatus("reconnecting");
      const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      failures += 1;
      retryTimer = setTimeout(open, delay);
    };

    setStatus("connecting");
    open();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [enabled]);

  return status;
}

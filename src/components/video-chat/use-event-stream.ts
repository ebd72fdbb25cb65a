"use client";

import { useEffect, useRef, useState } from "react";
import { reconnectDelayMs } from "@/lib/reconnect";
import { SERVER_EVENT_NAMES, type ServerEventName, type ServerEvents } from "@/lib/schemas";
import { api, isApiError } from "./api";

export type StreamStatus = "connecting" | "open" | "reconnecting" | "unauthenticated";

type Handler = <K extends ServerEventName>(name: K, data: ServerEvents[K]) => void;

/**
 * The tab's one EventSource to /api/matching/events. Every failure — a dropped stream, a stream
 * the server closed (e.g. Redis down while it read the state), a refused connect — closes it and
 * reconnects after `reconnectDelayMs` (the server's `retry:` as the floor, growing with jitter
 * while attempts keep failing; a stream that delivered `state` counts as working), with the last
 * event id in `?lastEventId=` so nothing is missed. Left to itself the browser would retry a
 * server that is down at one fixed interval, forever. A refused connect asks /status why: 401
 * means the session expired (no more retries).
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
    let lastEventId: string | null = null;
    let stopped = false;

    const open = () => {
      if (stopped) return;
      const url = lastEventId ? `/api/matching/events?lastEventId=${encodeURIComponent(lastEventId)}` : "/api/matching/events";
      const current = new EventSource(url);
      source = current;
      for (const name of SERVER_EVENT_NAMES) {
        current.addEventListener(name, (message) => {
          const { data: raw, lastEventId: id } = message as MessageEvent<string>;
          if (id) lastEventId = id;
          if (name === "state") failures = 0; // the stream really works, not just its HTTP answer
          let data: unknown;
          try {
            data = JSON.parse(raw);
          } catch {
            return; // A malformed frame must not take the page down.
          }
          handler.current(name, data as ServerEvents[typeof name]);
        });
      }
      current.onopen = () => setStatus("open");
      current.onerror = () => {
        if (stopped || source !== current) return;
        const refused = current.readyState === EventSource.CLOSED;
        current.close(); // we reconnect ourselves, with backoff
        source = null;
        setStatus("reconnecting");
        if (!refused) return scheduleRetry();
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
      const delay = reconnectDelayMs(failures);
      failures += 1;
      clearTimeout(retryTimer);
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

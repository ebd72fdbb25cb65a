"use client";

import { useEffect } from "react";
import { Room } from "livekit-client";

/**
 * While someone waits in the queue, open the way to the video server (DNS, TCP, TLS) so the
 * call's connect after `matched` does not pay for it: livekit-client's prepareConnection, once
 * per wait. Failures are the connect's business later, not this warm-up's.
 */
export function useWarmVideoRoute(waiting: boolean, livekitUrl: string): void {
  useEffect(() => {
    if (!waiting) return;
    void new Room().prepareConnection(livekitUrl).catch(() => {});
  }, [waiting, livekitUrl]);
}

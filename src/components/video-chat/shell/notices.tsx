"use client";

import { formatDuration } from "../use-browser-status";
import type { StreamStatus } from "../use-event-stream";

/** Banners for what affects everything: offline, reconnecting, maintenance, cooldown. */
export function Notices({
  online,
  stream,
  maintenance,
  cooldownLeftMs,
}: {
  online: boolean;
  stream: StreamStatus;
  maintenance: string | null;
  cooldownLeftMs: number;
}) {
  return (
    <div className="notices" aria-live="polite">
      {!online && (
        <p className="banner banner--error" role="alert">
          You&apos;re offline. We&apos;ll reconnect as soon as the network is back.
        </p>
      )}
      {online && stream === "reconnecting" && <p className="banner">Reconnecting to MoodMatch… your place is kept.</p>}
      {maintenance && (
        <p className="banner banner--warn" role="alert" data-testid="maintenance">
          {maintenance}
        </p>
      )}
      {cooldownLeftMs > 0 && (
        <p className="banner banner--warn" role="status" data-testid="cooldown">
          You skipped a lot of people in a short time. Take a breather — you can meet someone new in{" "}
          <strong>{formatDuration(cooldownLeftMs)}</strong>.
        </p>
      )}
    </div>
  );
}

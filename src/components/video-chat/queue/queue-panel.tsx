"use client";

import type { QueueView } from "@/lib/schemas";
import { LocalVideo } from "../local-video";
import { describeWait, formatDuration } from "../use-browser-status";

/** Waiting for a match: live position, how many wait, a rough estimate, and a way out. */
export function QueuePanel({
  queue,
  waitedMs,
  camera,
  onCancel,
  cancelling,
}: {
  queue: QueueView | null;
  waitedMs: number;
  camera: React.ComponentProps<typeof LocalVideo>["track"] | null;
  onCancel: () => void;
  cancelling: boolean;
}) {
  return (
    <section className="queue panel" aria-labelledby="queue-title">
      <div className="queue__orb" aria-hidden="true">
        {camera ? <LocalVideo tile track={camera} label="" className="queue__self" /> : <span className="queue__emoji">👋</span>}
      </div>
      <h1 id="queue-title" className="queue__title">
        Looking for someone…
      </h1>
      <p className="queue__status" role="status" aria-live="polite" data-testid="queue-status">
        {queue
          ? `You're #${queue.position} in line · ${queue.waiting} ${queue.waiting === 1 ? "person" : "people"} waiting · ${describeWait(queue.estimatedWaitMs)}`
          : "Joining the line…"}
      </p>
      <p className="muted">Waiting {formatDuration(waitedMs)}. Keep this tab open — we&apos;ll ring when you&apos;re matched.</p>
      <button type="button" className="button button--ghost" onClick={onCancel} disabled={cancelling} autoFocus>
        {cancelling ? "Cancelling…" : "Cancel"}
      </button>
    </section>
  );
}

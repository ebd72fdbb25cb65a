"use client";

import { useState } from "react";
import type { RevealView } from "@/lib/schemas";

/**
 * The consent control (instructions/video-privacy.md): one button to reveal one's own camera,
 * and where the partner stands. Both cameras are blurred until both have pressed it; it cannot
 * be taken back in this call.
 */
export function RevealControl({
  revealed,
  partnerName,
  ended,
  onReveal,
  warning,
}: {
  revealed: RevealView;
  partnerName: string;
  ended: boolean;
  onReveal: () => Promise<string | null>;
  /** Set when the on-device check flagged one's own camera: said before the button. */
  warning?: string | null;
}) {
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (revealed.me && revealed.partner) {
    return (
      <p className="reveal reveal--done" role="status" data-testid="reveal-state" data-state="both">
        Video revealed: you both see each other.
      </p>
    );
  }
  const state = revealed.me ? "me" : revealed.partner ? "partner" : "none";
  const sentence = revealed.me
    ? `You're ready. ${partnerName} still sees you blurred until they reveal too.`
    : revealed.partner
      ? `${partnerName} is ready to reveal. Your video stays blurred until you reveal too.`
      : `Both videos are blurred. Reveal when you're comfortable; ${partnerName} has to reveal too.`;

  async function reveal() {
    setSending(true);
    const failed = await onReveal();
    setSending(false);
    setProblem(failed);
  }

  return (
    <div className="reveal" data-testid="reveal-state" data-state={state}>
      <p className="reveal__sentence" role="status">
        {revealed.partner && !revealed.me && <strong className="reveal__ready">They&apos;re ready. </strong>}
        {sentence}
      </p>
      {warning && !revealed.me && (
        <p className="notice notice--error reveal__warning" role="alert">
          {warning}
        </p>
      )}
      {!revealed.me && (
        <button
          type="button"
          className="button button--primary"
          onClick={reveal}
          disabled={sending || ended}
          aria-label={`Reveal my camera to ${partnerName}${revealed.partner ? ` (${partnerName} is ready)` : ""}`}
        >
          {sending ? "Revealing…" : "Reveal"}
        </button>
      )}
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

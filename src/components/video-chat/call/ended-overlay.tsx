"use client";

import { useEffect, useId, useRef, useState } from "react";

const AUTO_NEXT_MS = 3_000;

/** Shown over the video at once when the call is over: what happened and one way forward. */
export function EndedOverlay({
  sentence,
  autoNext,
  onAutoNext,
  onFindNext,
  busy,
}: {
  sentence: string;
  /** null: auto-next does not apply (e.g. after my own block). */
  autoNext: boolean | null;
  onAutoNext: (on: boolean) => void;
  onFindNext: () => void;
  busy: boolean;
}) {
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const checkboxId = useId();
  const findNext = useRef(onFindNext);
  useEffect(() => {
    findNext.current = onFindNext;
  });

  useEffect(() => {
    buttonRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!autoNext) {
      setSecondsLeft(null);
      return;
    }
    const startedAt = Date.now();
    setSecondsLeft(Math.ceil(AUTO_NEXT_MS / 1000));
    const timer = setInterval(() => {
      const left = AUTO_NEXT_MS - (Date.now() - startedAt);
      if (left <= 0) {
        clearInterval(timer);
        findNext.current();
      } else setSecondsLeft(Math.ceil(left / 1000));
    }, 200);
    return () => clearInterval(timer);
  }, [autoNext]);

  return (
    <div className="overlay" role="status" aria-live="assertive" data-testid="call-ended">
      <p className="overlay__sentence">{sentence}</p>
      <button ref={buttonRef} type="button" className="button button--primary button--big" onClick={onFindNext} disabled={busy}>
        {busy ? "Finding…" : secondsLeft ? `Find the next person (${secondsLeft})` : "Find the next person"}
      </button>
      {autoNext !== null && (
        <label htmlFor={checkboxId} className="overlay__auto">
          <input id={checkboxId} type="checkbox" checked={autoNext} onChange={(e) => onAutoNext(e.target.checked)} />
          Auto-next: find someone new 3 s after a chat ends
        </label>
      )}
    </div>
  );
}

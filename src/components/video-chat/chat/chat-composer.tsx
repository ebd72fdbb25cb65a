"use client";

import { useId, useRef, useState } from "react";
import { CHAT_MAX_LENGTH } from "@/lib/schemas";

const TYPING_THROTTLE_MS = 2_000;

/** The message box: Enter sends, typing pings the partner at most every 2 s. */
export function ChatComposer({
  disabled,
  onSend,
  onTyping,
  inputRef,
}: {
  disabled: boolean;
  /** Resolves to an error sentence, or null when sent. */
  onSend: (text: string) => Promise<string | null>;
  onTyping: () => void;
  inputRef?: React.RefObject<HTMLInputElement | null>;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const lastTyping = useRef(0);
  const id = useId();
  const errorId = useId();
  const left = CHAT_MAX_LENGTH - text.length;

  async function send(event: React.FormEvent) {
    event.preventDefault();
    const message = text.trim();
    if (!message || disabled) return;
    setText("");
    setError(null);
    lastTyping.current = 0;
    const problem = await onSend(message);
    if (problem) {
      setError(problem);
      setText((current) => current || message); // give the words back so nothing is lost
    }
  }

  return (
    <form className="composer" onSubmit={send}>
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <input
        id={id}
        ref={inputRef}
        value={text}
        maxLength={CHAT_MAX_LENGTH}
        disabled={disabled}
        autoComplete="off"
        placeholder={disabled ? "Chat ended" : "Say hi…"}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const now = Date.now();
          if (e.target.value && now - lastTyping.current > TYPING_THROTTLE_MS) {
            lastTyping.current = now;
            onTyping();
          }
        }}
      />
      <button type="submit" className="button button--primary" disabled={disabled || !text.trim()}>
        Send
      </button>
      {left < 50 && (
        <span className="composer__count" aria-live="polite">
          {left} left
        </span>
      )}
      {error && (
        <p id={errorId} className="composer__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

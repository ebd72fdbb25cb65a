"use client";

import { useEffect, useRef } from "react";
import type { ChatLine } from "../match-state";
import { ChatComposer } from "./chat-composer";

/** The text chat beside the video. It only needs the API and events, never the media. */
export function ChatPanel({
  partnerName,
  lines,
  partnerTyping,
  ended,
  onSend,
  onTyping,
  inputRef,
}: {
  partnerName: string;
  lines: ChatLine[];
  partnerTyping: boolean;
  ended: boolean;
  onSend: (text: string) => Promise<string | null>;
  onTyping: () => void;
  inputRef?: React.RefObject<HTMLInputElement | null>;
}) {
  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [lines.length, partnerTyping]);

  return (
    <section className="chat" aria-label="Text chat">
      <div className="chat__log" role="log" aria-live="polite" aria-relevant="additions" data-testid="chat-log">
        {lines.length === 0 && (
          <p className="chat__empty">
            {ended ? "No messages in this chat." : `Say hi to ${partnerName}. Messages stay between you two.`}
          </p>
        )}
        {lines.map((line) => (
          <p key={line.id} className={`bubble bubble--${line.from}${line.pending ? " bubble--pending" : ""}`}>
            <span className="visually-hidden">{line.from === "me" ? "You" : partnerName}: </span>
            {line.text}
          </p>
        ))}
        <div ref={endRef} />
      </div>
      <p className="chat__typing" aria-live="polite" data-testid="typing-indicator">
        {partnerTyping && !ended ? `${partnerName} is typing…` : ""}
      </p>
      <ChatComposer disabled={ended} onSend={onSend} onTyping={onTyping} inputRef={inputRef} />
    </section>
  );
}

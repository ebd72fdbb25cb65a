"use client";

import { useState } from "react";
import { REFLECTION_OUTCOMES, REFLECTION_TAGS, type ReflectionOutcome, type ReflectionTag } from "@/lib/schemas";
import { api, isApiError } from "../api";
import type { ReflectionPrompt } from "./use-reflection-prompt";

const VIBES = [
  { value: 1, emoji: "😕", label: "Not great" },
  { value: 2, emoji: "😐", label: "Meh" },
  { value: 3, emoji: "🙂", label: "Fine" },
  { value: 4, emoji: "😄", label: "Good" },
  { value: 5, emoji: "🤩", label: "Amazing" },
] as const;

const OUTCOME_LABELS: Record<ReflectionOutcome, string> = { again: "I'd talk again", maybe: "Maybe", pass: "Pass" };

const TAG_LABELS: Record<ReflectionTag, string> = {
  kind: "Kind",
  funny: "Funny",
  curious: "Curious",
  good_listener: "Good listener",
  great_energy: "Great energy",
  shared_interests: "Shared interests",
};

/**
 * After a longer call: how was it? Small, skippable, private — the partner never sees it. A
 * conversation that can no longer take one (already sent, too old) just closes the card.
 */
export function ReflectionCard({
  prompt,
  onDone,
  onFriends,
}: {
  prompt: ReflectionPrompt;
  onDone: () => void;
  onFriends: () => void;
}) {
  const [vibe, setVibe] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<ReflectionOutcome | null>(null);
  const [tags, setTags] = useState<ReflectionTag[]>([]);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<null | { friends: boolean }>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const toggle = (tag: ReflectionTag) => setTags((list) => (list.includes(tag) ? list.filter((t) => t !== tag) : [...list, tag]));

  async function send() {
    if (vibe === null || outcome === null) return;
    setSending(true);
    setProblem(null);
    try {
      const { friends } = await api.reflect({ sessionId: prompt.sessionId, vibe, outcome, tags });
      setSent({ friends });
      if (friends) onFriends();
      setTimeout(onDone, friends ? 4_000 : 1_500);
    } catch (error) {
      if (isApiError(error, "CONFLICT")) onDone();
      else setProblem(isApiError(error) ? error.message : "That didn't go through. Try again?");
    } finally {
      setSending(false);
    }
  }

  if (sent) {
    return (
      <section className="panel reflection" aria-live="polite" data-testid="reflection-card">
        <p className="reflection__title">
          {sent.friends
            ? `You both want to talk again — ${prompt.partnerNickname} is now in your friends.`
            : "Thanks — noted, just for you and us."}
        </p>
      </section>
    );
  }

  return (
    <section className="panel reflection" aria-labelledby="reflection-title" data-testid="reflection-card">
      <div className="reflection__head">
        <h2 id="reflection-title" className="reflection__title">
          How was your chat with {prompt.partnerNickname}?
        </h2>
        <button type="button" className="button button--ghost" onClick={onDone}>
          Skip
        </button>
      </div>
      <fieldset className="field">
        <legend>Vibe</legend>
        <div className="chips" role="radiogroup" aria-label="Vibe">
          {VIBES.map((v) => (
            <label key={v.value} className={`chip${vibe === v.value ? " chip--on" : ""}`} title={v.label}>
              <input
                type="radio"
                name="reflection-vibe"
                className="visually-hidden"
                checked={vibe === v.value}
                onChange={() => setVibe(v.value)}
                aria-label={`${v.value}: ${v.label}`}
              />
              <span aria-hidden="true">{v.emoji}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>Meet again?</legend>
        <div className="chips" role="radiogroup" aria-label="Meet again?">
          {REFLECTION_OUTCOMES.map((o) => (
            <label key={o} className={`chip${outcome === o ? " chip--on" : ""}`}>
              <input
                type="radio"
                name="reflection-outcome"
                className="visually-hidden"
                checked={outcome === o}
                onChange={() => setOutcome(o)}
              />
              {OUTCOME_LABELS[o]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>Anything that stood out? (optional)</legend>
        <div className="chips">
          {REFLECTION_TAGS.map((tag) => (
            <button
              key={tag}
              type="button"
              className={`chip chip--small${tags.includes(tag) ? " chip--on" : ""}`}
              aria-pressed={tags.includes(tag)}
              onClick={() => toggle(tag)}
            >
              {TAG_LABELS[tag]}
            </button>
          ))}
        </div>
      </fieldset>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      <button
        type="button"
        className="button button--primary"
        onClick={send}
        disabled={vibe === null || outcome === null || sending}
      >
        {sending ? "Sending…" : "Send"}
      </button>
    </section>
  );
}

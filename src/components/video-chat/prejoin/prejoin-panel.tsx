"use client";

import { useId } from "react";
import { NICKNAME_MAX, type MatchMode, type Mood } from "@/lib/schemas";
import { formatDuration } from "../use-browser-status";
import type { LocalMedia } from "../use-local-media";
import { InterestInput } from "./interest-input";
import { MediaPreview } from "./media-preview";
import { MoodPicker } from "./mood-picker";

export interface Preferences {
  mood: Mood;
  interests: string[];
  mode: MatchMode;
}

interface Props {
  nickname: string;
  onNickname: (nickname: string) => void;
  preferences: Preferences;
  onPreferences: (preferences: Preferences) => void;
  media: LocalMedia;
  starting: boolean;
  cooldownLeftMs: number;
  problem: string | null;
  onStart: () => void;
}

/** Before the first match: who you are, what you're in the mood for, and how you look. */
export function PrejoinPanel({
  nickname,
  onNickname,
  preferences,
  onPreferences,
  media,
  starting,
  cooldownLeftMs,
  problem,
  onStart,
}: Props) {
  const nicknameId = useId();
  const cooling = cooldownLeftMs > 0;
  const textOnly = !media.video && !media.audio && (media.videoProblem || media.audioProblem);

  return (
    <div className="prejoin">
      <MediaPreview media={media} />
      <form
        className="prejoin__form panel"
        aria-label="Your preferences"
        onSubmit={(event) => {
          event.preventDefault();
          onStart();
        }}
      >
        <h1 className="prejoin__title">Ready to meet someone?</h1>
        <div className="field">
          <label htmlFor={nicknameId}>Nickname</label>
          <input
            id={nicknameId}
            value={nickname}
            maxLength={NICKNAME_MAX}
            autoComplete="nickname"
            onChange={(e) => onNickname(e.target.value)}
          />
        </div>
        <MoodPicker value={preferences.mood} onChange={(mood) => onPreferences({ ...preferences, mood })} />
        <InterestInput value={preferences.interests} onChange={(interests) => onPreferences({ ...preferences, interests })} />
        <fieldset className="field">
          <legend>Who first?</legend>
          <div className="segmented" role="radiogroup" aria-label="Who first?">
            {(
              [
                ["same_mood", "Same mood first"],
                ["any", "Anyone"],
              ] as const
            ).map(([mode, label]) => (
              <label key={mode} className={`segmented__option${preferences.mode === mode ? " segmented__option--on" : ""}`}>
                <input
                  type="radio"
                  name="mode"
                  value={mode}
                  className="visually-hidden"
                  checked={preferences.mode === mode}
                  onChange={() => onPreferences({ ...preferences, mode })}
                />
                {label}
              </label>
            ))}
          </div>
          <p className="field__note">
            {preferences.mode === "same_mood"
              ? "We look for your mood for the first few seconds, then anyone."
              : "Fastest: the next free person, whatever their mood."}
          </p>
        </fieldset>
        {problem && (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="button button--primary button--big" disabled={starting || cooling}>
          {cooling
            ? `You can start again in ${formatDuration(cooldownLeftMs)}`
            : starting
              ? "Starting…"
              : textOnly
                ? "Start (text only)"
                : "Start"}
        </button>
        <p className="fine-print">18+ only. Be kind. Press Report if anyone makes you uncomfortable.</p>
      </form>
    </div>
  );
}

"use client";

import { MOODS, type Mood } from "@/lib/schemas";
import { MOOD_INFO } from "../moods";

/** Mood chips as a radio group: arrow keys move between them, as screen readers expect. */
export function MoodPicker({ value, onChange }: { value: Mood; onChange: (mood: Mood) => void }) {
  return (
    <fieldset className="field">
      <legend>Your mood</legend>
      <div className="chips" role="radiogroup" aria-label="Your mood">
        {MOODS.map((mood) => {
          const info = MOOD_INFO[mood];
          return (
            <label key={mood} className={`chip${value === mood ? " chip--on" : ""}`} title={info.hint}>
              <input
                type="radio"
                name="mood"
                value={mood}
                checked={value === mood}
                onChange={() => onChange(mood)}
                className="visually-hidden"
              />
              <span aria-hidden="true">{info.emoji}</span> {info.label}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

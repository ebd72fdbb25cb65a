"use client";

import { useEffect, useId, useMemo, useState } from "react";
import { MAX_INTERESTS } from "@/lib/schemas";
import { api, type PopularInterest } from "../api";

const MAX_LENGTH = 32;

function normalise(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, " ");
}

/** Popular interests for suggestions; the route failing just means no suggestions. */
function usePopularInterests(): PopularInterest[] {
  const [popular, setPopular] = useState<PopularInterest[]>([]);
  useEffect(() => {
    let cancelled = false;
    api.popularInterests().then(
      (list) => {
        if (!cancelled && Array.isArray(list)) setPopular(list.filter((p) => typeof p?.interest === "string").slice(0, 50));
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return popular;
}

/** Interest tags: type and press Enter or comma; Backspace on an empty field removes the last. */
export function InterestInput({ value, onChange }: { value: string[]; onChange: (interests: string[]) => void }) {
  const [draft, setDraft] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const popular = usePopularInterests();
  const inputId = useId();
  const listId = useId();
  const noteId = useId();
  const full = value.length >= MAX_INTERESTS;

  const suggestions = useMemo(() => {
    const typed = normalise(draft);
    return popular.filter((p) => !value.includes(p.interest) && (!typed || p.interest.includes(typed))).slice(0, typed ? 6 : 8);
  }, [popular, draft, value]);

  function add(raw: string) {
    const interest = normalise(raw);
    if (!interest) return;
    if (interest.length > MAX_LENGTH) return setNote(`An interest can be at most ${MAX_LENGTH} characters.`);
    if (value.includes(interest)) return setDraft("");
    if (full) return setNote(`That's the maximum of ${MAX_INTERESTS} interests.`);
    onChange([...value, interest]);
    setDraft("");
    setNote(null);
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      add(draft);
    } else if (event.key === "Backspace" && !draft && value.length) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div className="field">
      <label htmlFor={inputId}>
        Interests{" "}
        <span className="muted">
          ({value.length}/{MAX_INTERESTS}, optional)
        </span>
      </label>
      <div className="tags">
        <ul className="tag-list" aria-label="Your interests">
          {value.map((interest) => (
            <li key={interest} className="tag">
              {interest}
              <button
                type="button"
                className="tag__remove"
                aria-label={`Remove ${interest}`}
                onClick={() => onChange(value.filter((i) => i !== interest))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <input
          id={inputId}
          value={draft}
          maxLength={MAX_LENGTH + 1}
          disabled={full}
          placeholder={full ? "Maximum reached" : "music, hiking, anime… then Enter"}
          list={listId}
          aria-describedby={noteId}
          onChange={(e) => {
            const text = e.target.value;
            if (text.includes(",")) text.split(",").slice(0, -1).forEach(add);
            setDraft(text.includes(",") ? text.slice(text.lastIndexOf(",") + 1) : text);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => draft.trim() && add(draft)}
        />
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s.interest} value={s.interest} />
          ))}
        </datalist>
      </div>
      <p id={noteId} className="field__note" aria-live="polite">
        {note ?? "People who share an interest are matched first."}
      </p>
      {suggestions.length > 0 && !full && (
        <div className="suggestions" aria-label="Popular right now">
          <span className="muted">Popular:</span>
          {suggestions.slice(0, 6).map((s) => (
            <button key={s.interest} type="button" className="chip chip--small" onClick={() => add(s.interest)}>
              + {s.interest}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

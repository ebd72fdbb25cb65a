"use client";

import { useCallback, useEffect, useState } from "react";
import { MATCH_MODES, MAX_INTERESTS, MOODS } from "@/lib/schemas";
import type { Preferences } from "./prejoin/prejoin-panel";
import { readSetting, SETTINGS, writeSetting } from "./use-local-setting";

export const DEFAULT_PREFERENCES: Preferences = { mood: "random", interests: [], mode: "same_mood" };

function sanitize(raw: unknown): Preferences {
  const value = (raw ?? {}) as Partial<Preferences>;
  return {
    mood: MOODS.includes(value.mood as never) ? (value.mood as Preferences["mood"]) : DEFAULT_PREFERENCES.mood,
    mode: MATCH_MODES.includes(value.mode as never) ? (value.mode as Preferences["mode"]) : DEFAULT_PREFERENCES.mode,
    interests: Array.isArray(value.interests)
      ? value.interests
          .filter((i): i is string => typeof i === "string" && i.length > 0 && i.length <= 32)
          .slice(0, MAX_INTERESTS)
      : [],
  };
}

/** Mood, interests and mode, remembered on this device (loaded after mount: no hydration mismatch). */
export function usePreferences(): [Preferences, (next: Preferences) => void] {
  const [preferences, setPreferences] = useState<Preferences>(DEFAULT_PREFERENCES);
  useEffect(() => {
    setPreferences(sanitize(readSetting<unknown>(SETTINGS.preferences, null)));
  }, []);
  const update = useCallback((next: Preferences) => {
    setPreferences(next);
    writeSetting(SETTINGS.preferences, next);
  }, []);
  return [preferences, update];
}

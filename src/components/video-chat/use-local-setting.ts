"use client";

import { useCallback, useSyncExternalStore } from "react";

/** A small JSON value persisted in localStorage, shared by every component that reads it. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = () => listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

function readRaw(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // Private mode or storage disabled: behave as unset.
  }
}

export function readSetting<T>(key: string, fallback: T): T {
  const raw = typeof window === "undefined" ? null : readRaw(key);
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

export function writeSetting<T>(key: string, value: T) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Not persisted; the in-memory value still applies for this page.
  }
  listeners.forEach((l) => l());
}

export function useLocalSetting<T extends string | number | boolean>(key: string, fallback: T): [T, (value: T) => void] {
  const raw = useSyncExternalStore(
    subscribe,
    () => readRaw(key),
    () => null,
  );
  let value = fallback;
  if (raw !== null) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (typeof parsed === typeof fallback) value = parsed as T;
    } catch {
      // keep fallback
    }
  }
  const set = useCallback((next: T) => writeSetting(key, next), [key]);
  return [value, set];
}

export const SETTINGS = {
  muted: "mm:sound-muted",
  autoNext: "mm:auto-next",
  preferences: "mm:preferences",
  cameraOn: "mm:camera-on",
  micOn: "mm:mic-on",
} as const;

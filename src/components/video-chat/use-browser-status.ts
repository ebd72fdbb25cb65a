"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

function subscribeOnline(listener: () => void) {
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

/** false while the browser says the network is gone (the `offline` event). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/** The current time, refreshed every `everyMs` while `active`; for countdowns and call timers. */
export function useNow(active: boolean, everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(hours ? 2 : 1, "0")}:${String(seconds).padStart(2, "0")}`;
  return hours ? `${hours}:${mmss}` : mmss;
}

/** "about 20 seconds", "about 2 minutes": estimates read better rounded. */
export function describeWait(ms: number): string {
  if (ms < 5_000) return "a few seconds";
  if (ms < 60_000) return `about ${Math.round(ms / 5_000) * 5} seconds`;
  const minutes = Math.round(ms / 60_000);
  return minutes === 1 ? "about a minute" : `about ${minutes} minutes`;
}

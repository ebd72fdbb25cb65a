"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * One MoodMatch tab at a time owns the camera, the event stream and the call. A newly opened
 * tab asks on a BroadcastChannel whether another tab is in charge; if one answers, the new tab
 * steps aside and offers "Use here", which takes over and makes the other tab step aside.
 */
export type TabRole = "checking" | "active" | "elsewhere";

type Message = { type: "hello" | "here" | "takeover"; tab: string };

const CHANNEL = "moodmatch-tab";
const ANSWER_WAIT_MS = 300;

export function useTabLock(): { role: TabRole; takeOver: () => void; stepAside: () => void } {
  const [role, setRole] = useState<TabRole>("checking");
  const roleRef = useRef<TabRole>("checking");
  const tabId = useRef<string>("");
  const channel = useRef<BroadcastChannel | null>(null);

  const update = useCallback((next: TabRole) => {
    roleRef.current = next;
    setRole(next);
  }, []);

  useEffect(() => {
    if (!tabId.current) tabId.current = Math.random().toString(36).slice(2);
    if (typeof BroadcastChannel === "undefined") {
      update("active");
      return;
    }
    const bc = new BroadcastChannel(CHANNEL);
    channel.current = bc;
    bc.onmessage = (event: MessageEvent<Message>) => {
      const message = event.data;
      if (!message || message.tab === tabId.current) return; // StrictMode's second channel in this tab
      if (message.type === "hello" && roleRef.current === "active") bc.postMessage({ type: "here", tab: tabId.current });
      if (message.type === "here" && roleRef.current === "checking") update("elsewhere");
      if (message.type === "takeover" && roleRef.current !== "elsewhere") update("elsewhere");
    };
    if (roleRef.current === "checking") bc.postMessage({ type: "hello", tab: tabId.current });
    const timer = setTimeout(() => {
      if (roleRef.current === "checking") update("active");
    }, ANSWER_WAIT_MS);
    return () => {
      clearTimeout(timer);
      bc.close();
      channel.current = null;
    };
  }, [update]);

  const takeOver = useCallback(() => {
    channel.current?.postMessage({ type: "takeover", tab: tabId.current });
    update("active");
  }, [update]);

  const stepAside = useCallback(() => update("elsewhere"), [update]);

  return { role, takeOver, stepAside };
}

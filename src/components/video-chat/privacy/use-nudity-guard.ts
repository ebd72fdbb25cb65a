"use client";

import { useEffect, useRef, useState } from "react";
import { classifyVideo, guardStats, type GuardTarget } from "./nsfw-guard";
import { createGuardState, DEFAULT_GUARD_RULE, type GuardRule, type NsfwScores } from "./nudity-rule";

/**
 * Samples a video every `rule.intervalMs` (in an idle moment; spread out on slow devices) while `video` is set, and trips
 * once the rule says so (nudity-rule.ts). The first sample waits one interval, so a call's
 * first seconds — connecting, the first frame — never share the CPU with the model's load.
 * Returns the samples that tripped it, or null; a new `resetKey` (a new call) starts over.
 */
export function useNudityGuard(
  target: GuardTarget,
  video: HTMLVideoElement | null,
  resetKey: string,
  rule: GuardRule = DEFAULT_GUARD_RULE,
): NsfwScores[] | null {
  const [tripped, setTripped] = useState<{ key: string; scores: NsfwScores[] } | null>(null);
  const state = useRef(createGuardState(rule));

  useEffect(() => {
    state.current = createGuardState(rule);
  }, [resetKey, rule]);

  useEffect(() => {
    if (!video) return;
    let cancelled = false;
    let busy = false;
    const sample = async () => {
      if (cancelled || busy || document.visibilityState !== "visible") return;
      busy = true;
      try {
        const scores = await classifyVideo(target, video);
        if (cancelled || !scores) return;
        if (state.current.add(scores) && state.current.tripped) {
          const found = state.current.tripped.scores;
          setTripped((current) => current ?? { key: resetKey, scores: found });
        }
      } finally {
        busy = false;
      }
    };
    const idle = (fn: () => void) =>
      typeof requestIdleCallback === "function" ? requestIdleCallback(fn, { timeout: 1_000 }) : setTimeout(fn, 0);
    // Every intervalMs, but never more than a quarter of a core: on a device where one inference
    // takes longer than intervalMs / 4 (a CPU-only backend on a slow machine), the samples spread out.
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      timer = setTimeout(
        () =>
          idle(() => {
            void sample().finally(() => {
              if (!cancelled) next();
            });
          }),
        Math.max(rule.intervalMs, 3 * guardStats.lastInferMs),
      );
    };
    next();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [target, video, resetKey, rule]);

  return tripped && tripped.key === resetKey ? tripped.scores : null;
}

"use client";

import { useEffect, useRef, useState } from "react";
import { classifyFrame, guardStats, type FrameGrab, type GuardTarget } from "./nsfw-guard";
import { createGuardState, DEFAULT_GUARD_RULE, type GuardRule, type NsfwScores } from "./nudity-rule";

/**
 * Samples a source every `rule.intervalMs` (in an idle moment; spread out on slow devices) while
 * `grab` is set, and trips once the rule says so (nudity-rule.ts). The call view sets both
 * sources once the partner's first frame has been shown, and the first sample waits one
 * interval more, so a call's setup never shares the CPU with the model.
 * Returns the samples that tripped it, or null; a new `resetKey` (a new call) starts over.
 */
export function useNudityGuard(
  target: GuardTarget,
  grab: FrameGrab | null,
  resetKey: string,
  rule: GuardRule = DEFAULT_GUARD_RULE,
): NsfwScores[] | null {
  const [tripped, setTripped] = useState<{ key: string; scores: NsfwScores[] } | null>(null);
  const state = useRef(createGuardState(rule));

  useEffect(() => {
    state.current = createGuardState(rule);
  }, [resetKey, rule]);

  useEffect(() => {
    if (!grab) return;
    let cancelled = false;
    let busy = false;
    const sample = async () => {
      if (cancelled || busy || document.visibilityState !== "visible") return;
      busy = true;
      try {
        const scores = await classifyFrame(target, grab);
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
  }, [target, grab, resetKey, rule]);

  return tripped && tripped.key === resetKey ? tripped.scores : null;
}

import type { MatchConfig } from "./types";

/** Matching defaults (README "Configuration", instructions/matching.md). */
export const defaultMatchConfig: MatchConfig = {
  rematchWindowMs: 24 * 60 * 60_000,
  relaxMoodAfterMs: 10_000,
  skipFree: 10,
  skipWindowMs: 10 * 60_000,
  cooldownStepsMs: [60_000, 5 * 60_000, 15 * 60_000],
  cooldownResetAfterMs: 60_000,
  presenceTimeoutMs: 60_000,
  window: 200,
};

/** The knobs env.ts exposes (`getEnv().matching`). */
export interface MatchingEnv {
  rematchWindowMs: number;
  relaxMoodAfterMs: number;
  skipFree: number;
  skipWindowMs: number;
  presenceTimeoutMs: number;
  window: number;
}

/** Builds a MatchConfig from the env's `matching` block; the window is capped at 200 (bounded scans). */
export function matchConfigFromEnv(env: MatchingEnv, overrides: Partial<MatchConfig> = {}): MatchConfig {
  return {
    ...defaultMatchConfig,
    rematchWindowMs: env.rematchWindowMs,
    relaxMoodAfterMs: env.relaxMoodAfterMs,
    skipFree: env.skipFree,
    skipWindowMs: env.skipWindowMs,
    presenceTimeoutMs: env.presenceTimeoutMs,
    window: Math.max(1, Math.min(200, env.window)),
    ...overrides,
  };
}

/** Merge partial settings over the defaults (tests, bench). */
export function matchConfig(overrides: Partial<MatchConfig> = {}): MatchConfig {
  return { ...defaultMatchConfig, ...overrides };
}

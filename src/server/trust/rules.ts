import type { ReflectionOutcome } from "@/lib/schemas";
import type { Standing } from "../matching/standing";

/**
 * How much each thing moves a person's trust score (instructions/safety-and-operations.md
 * "Trust score"). A score starts at 0; partners' reflections move it a little, a report a
 * moderator confirms a lot, earned skip cooldowns a little.
 */

export type TrustSource = "reflection" | "report_confirmed" | "cooldown_penalty" | "manual_review";

const OUTCOME_DELTA: Record<ReflectionOutcome, number> = { again: 1, maybe: 0, pass: -0.5 };

/** A partner's reflection: vibe 3 is neutral, each step ±0.5, plus the outcome: −2 … +2. */
export function reflectionDelta(vibe: number, outcome: ReflectionOutcome): number {
  return (vibe - 3) * 0.5 + OUTCOME_DELTA[outcome];
}

export const REPORT_CONFIRMED_DELTA = -20;
export const COOLDOWN_PENALTY_DELTA = -1;

/**
 * Each rater's total effect (sum of |delta|) over any 24 h is capped, so a group cannot pump or
 * sink someone by meeting them over and over; and a rater's reflections move one person once.
 */
export const RATER_DAILY_CAP = 4;
export const RATER_CAP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The part of `delta` a rater who already used `usedToday` of their cap may still apply. */
export function cappedDelta(delta: number, usedToday: number): number {
  const room = Math.max(0, RATER_DAILY_CAP - usedToday);
  return Math.sign(delta) * Math.min(Math.abs(delta), room);
}

/** The trust_scores column each source adds to. */
export const COMPONENT_OF: Record<TrustSource, "reflections" | "moderation" | "cooldowns" | "manual"> = {
  reflection: "reflections",
  report_confirmed: "moderation",
  cooldown_penalty: "cooldowns",
  manual_review: "manual",
};

/**
 * Matching's use of the score (src/server/matching/standing.ts): below LOW_TRUST_BELOW a user is
 * matched among low-trust users first and never with a newcomer, someone with fewer than
 * NEWCOMER_CALLS calls that connected. One confirmed report (−20) is enough; so are six partners'
 * worst reflections (−1.5 each) or nine earned cooldowns (−1 each).
 */
export const LOW_TRUST_BELOW = -8;
export const NEWCOMER_CALLS = 3;

export function standingFor(score: number, calls: number): Standing {
  if (score < LOW_TRUST_BELOW) return "low";
  if (calls < NEWCOMER_CALLS) return "newcomer";
  return "regular";
}

/**
 * A waiting user's trust standing (instructions/matching.md "Trust standing"). The caller decides it
 * at each Start from the trust score and the number of calls (src/server/trust/standing.ts); the
 * store keeps it on the ticket and applies two rules inside the pair commit, in both drivers:
 *  - a `low` user is never paired with a `newcomer` (someone in their first few calls);
 *  - each side prefers partners on its own side of the threshold (low with low, others with others):
 *    a pair across it ranks below every pair that is not, whatever the interests.
 */
export const STANDINGS = ["regular", "newcomer", "low"] as const;
export type Standing = (typeof STANDINGS)[number];

/** Below every pair score (at most MAX_INTERESTS + the mood bonus): same side of the threshold first. */
export const CROSS_STANDING_PENALTY = 1000;

/** The digit a ticket carries (its index in STANDINGS; the Lua reads it as a byte). */
export function standingDigit(standing: Standing): number {
  return STANDINGS.indexOf(standing);
}

export function standingFromDigit(digit: string | undefined): Standing {
  return STANDINGS[Number(digit)] ?? "regular";
}

/** Low trust and newcomers never meet. */
export function standingsBarred(a: Standing, b: Standing): boolean {
  return (a === "low" && b === "newcomer") || (a === "newcomer" && b === "low");
}

/** The rank penalty of a pair across the threshold (one side low, the other not). */
export function standingPenalty(a: Standing, b: Standing): number {
  return (a === "low") === (b === "low") ? 0 : CROSS_STANDING_PENALTY;
}

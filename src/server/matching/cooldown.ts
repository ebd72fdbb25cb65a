import "server-only";
import type { MatchConfig } from "./types";

/**
 * The cooldown policy (instructions/matching.md "Rules", Cooldown): skips counted in a sliding
 * window, an offence level that climbs the cooldown ladder, and a long conversation that resets
 * the level. The in-process driver applies it with these functions; the Redis driver's twin is
 * lua/cooldown.lua (same names, snake_case), and the contract suite runs both.
 */

export interface CooldownRecord {
  level: number; // offences so far (0 = none since the last reset)
  until: number; // cooldown end (ms); ≤ now means no cooldown
}

/** The end of a running cooldown, or null when there is none at `now`. */
export function cooldownUntil(record: CooldownRecord | undefined, now: number): number | null {
  return record && record.until > now ? record.until : null;
}

/**
 * A skip counted in the sliding `skipWindowMs`: the skips still in the window, and whether this
 * one exceeds the `skipFree` allowance (then the history starts over, so the next offence needs
 * another skipFree + 1 skips).
 */
export function countSkip(
  previous: readonly number[],
  now: number,
  config: Pick<MatchConfig, "skipFree" | "skipWindowMs">,
): { recent: number[]; exceeded: boolean } {
  const recent = previous.filter((t) => t > now - config.skipWindowMs);
  recent.push(now);
  return recent.length > config.skipFree ? { recent: [], exceeded: true } : { recent, exceeded: false };
}

/** The next offence: one level up (capped at the last step), cooldown from now. */
export function escalateCooldown(previousLevel: number, config: Pick<MatchConfig, "cooldownStepsMs">, now: number): CooldownRecord {
  const steps = config.cooldownStepsMs;
  const level = Math.min(previousLevel + 1, steps.length);
  return { level, until: now + steps[level - 1]! };
}

/** A conversation long enough to reset the offence level (measured from activeAt, else createdAt). */
export function resetsCooldownLevel(
  session: { createdAt: number; activeAt: number | null },
  endedAt: number,
  config: Pick<MatchConfig, "cooldownResetAfterMs">,
): boolean {
  return endedAt - (session.activeAt ?? session.createdAt) >= config.cooldownResetAfterMs;
}

/** The level back to 0; a running cooldown is not shortened. */
export function clearCooldownLevel(record: CooldownRecord): CooldownRecord {
  return { level: 0, until: record.until };
}

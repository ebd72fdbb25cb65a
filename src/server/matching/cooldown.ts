import "server-only";
import type { EndReason } from "@/lib/schemas";
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
export function escalateCooldown(
  previousLevel: number,
  config: Pick<MatchConfig, "cooldownStepsMs">,
  now: number,
): CooldownRecord {
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

/**
 * The ends that are the user's own choice when `endedBy` names them: Stop ("end") and leaving the
 * call ("disconnect" attributed to them after the departure grace). Reports and blocks are never
 * counted (a user must not be punished for protecting themself), nor ends nobody chose (timeout,
 * a webhook or the cron: `endedBy` null). The Lua gets this list injected (lua/constants.ts).
 */
export const SELF_END_REASONS = ["end", "disconnect"] as const satisfies readonly EndReason[];

/**
 * Stop then Start is Next in all but name (instructions/matching.md "Rules", Cooldown): a session
 * its own user ended before it counted as a conversation — shorter than `cooldownResetAfterMs`,
 * the same threshold and clock as `resetsCooldownLevel`, so every ended session either resets the
 * level or, ended by its user, counts as a skip — counts toward the skip allowance like a skip.
 */
export function endCountsAsSkip(
  reason: EndReason,
  endedBy: string | null,
  session: { createdAt: number; activeAt: number | null },
  endedAt: number,
  config: Pick<MatchConfig, "cooldownResetAfterMs">,
): boolean {
  return (
    endedBy !== null &&
    (SELF_END_REASONS as readonly EndReason[]).includes(reason) &&
    !resetsCooldownLevel(session, endedAt, config)
  );
}

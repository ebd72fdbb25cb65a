import "server-only";
import type { ReflectionOutcome } from "@/lib/schemas";
import type { AppServices } from "../app-services";
import { recordTrustEvent, trustLedgerOf, trustScoreOf } from "../db/trust";
import { COOLDOWN_PENALTY_DELTA, REPORT_CONFIRMED_DELTA, reflectionDelta } from "./rules";

/**
 * What moves a trust score, called where it happens. A failure here is logged, never the
 * caller's failure: the reflection, the ban or the cooldown it follows has already taken effect.
 */

export function noteReflection(
  deps: AppServices,
  r: { reflectionId: string; rater: string; rated: string; vibe: number; outcome: ReflectionOutcome },
) {
  return note(deps, {
    userId: r.rated,
    delta: reflectionDelta(r.vibe, r.outcome),
    source: "reflection",
    sourceRef: r.reflectionId,
    rater: r.rater,
  });
}

export function noteConfirmedReport(deps: AppServices, r: { reportId: string; reported: string }) {
  return note(deps, { userId: r.reported, delta: REPORT_CONFIRMED_DELTA, source: "report_confirmed", sourceRef: r.reportId });
}

/** The skip that earned a cooldown (its session names it, so a replayed skip costs once). */
export function noteCooldown(deps: AppServices, r: { userId: string; sessionId: string }) {
  return note(deps, { userId: r.userId, delta: COOLDOWN_PENALTY_DELTA, source: "cooldown_penalty", sourceRef: r.sessionId });
}

async function note(deps: AppServices, event: Omit<Parameters<typeof recordTrustEvent>[1], "at">): Promise<void> {
  try {
    await recordTrustEvent(deps.db, { ...event, at: new Date(deps.now()) });
  } catch (err) {
    deps.log.warn({ err, userId: event.userId, source: event.source }, "could not record a trust event");
  }
}

/** The score, its parts and the latest ledger rows, for the moderator console. */
export async function trustSummary(deps: AppServices, userId: string) {
  const [score, ledger] = await Promise.all([trustScoreOf(deps.db, userId), trustLedgerOf(deps.db, userId, 10)]);
  return {
    score: score?.score ?? 0,
    components: {
      reflections: score?.reflections ?? 0,
      moderation: score?.moderation ?? 0,
      cooldowns: score?.cooldowns ?? 0,
      manual: score?.manual ?? 0,
    },
    ledger: ledger.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
  };
}

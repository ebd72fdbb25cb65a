import "server-only";
import type { ReflectionOutcome } from "@/lib/schemas";
import type { AppServices } from "../app-services";
import { recordTrustEvent, trustOfMany } from "../db/trust";
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

export interface TrustSummary {
  score: number;
  components: { reflections: number; moderation: number; cooldowns: number; manual: number };
  ledger: { delta: number; source: string; sourceRef: string; createdAt: string }[];
}

/** Each person's score, its parts and their latest ledger rows, for the moderator console. */
export async function trustSummaries(deps: AppServices, userIds: string[]): Promise<Map<string, TrustSummary>> {
  const { scores, ledger } = await trustOfMany(deps.db, userIds, 10);
  const byUser = new Map<string, TrustSummary>(
    userIds.map((id) => [id, { score: 0, components: { reflections: 0, moderation: 0, cooldowns: 0, manual: 0 }, ledger: [] }]),
  );
  for (const { userId, score, reflections, moderation, cooldowns, manual } of scores) {
    const summary = byUser.get(userId)!;
    summary.score = score;
    summary.components = { reflections, moderation, cooldowns, manual };
  }
  for (const { userId, createdAt, ...row } of ledger)
    byUser.get(userId)!.ledger.push({ ...row, createdAt: createdAt.toISOString() });
  return byUser;
}

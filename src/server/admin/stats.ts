import "server-only";
import { matchesSince } from "../db/sessions";
import type { AppServices } from "../app-services";

export interface AdminStats {
  waiting: number;
  queueByMood: Record<string, number>;
  activeSessions: number;
  /** People in the product right now: waiting in the queue or in a call. */
  online: number;
  matchesLastHour: number;
  avgWaitMs: number;
  sseConnectionsThisInstance: number;
  maintenance: boolean;
}

export async function adminStats(deps: AppServices): Promise<AdminStats> {
  const [stats, matchesLastHour] = await Promise.all([
    deps.store.stats(),
    matchesSince(deps.db, new Date(deps.now() - 3_600_000)),
  ]);
  return {
    waiting: stats.waiting,
    queueByMood: stats.byMood,
    activeSessions: stats.liveSessions,
    online: onlineFrom(stats),
    matchesLastHour,
    avgWaitMs: Math.round(stats.avgWaitMs),
    sseConnectionsThisInstance: deps.bus.subscriberCount(),
    maintenance: deps.maintenance.enabled,
  };
}

export function onlineFrom(stats: { waiting: number; liveSessions: number }): number {
  return stats.waiting + 2 * stats.liveSessions;
}

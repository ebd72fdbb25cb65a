import "server-only";
import { pruneOldRecords } from "../db/retention";
import type { AppServices } from "../app-services";

/** Interest counts are shown over 24 h; two days leave room for clock skew and late flushes. */
export const INTEREST_COUNT_RETENTION_MS = 48 * 3_600_000;
export const DEFAULT_REPORT_RETENTION_MS = 90 * 86_400_000;
/** The prune runs at most this often across all instances (the cron calls every minute). */
const RETENTION_EVERY_MS = 3_600_000;

export interface RetentionReport {
  ran: boolean;
  reports: number;
  interestCounts: number;
}

/**
 * The retention job, run from the cleanup cron at most once an hour (instructions/safety-and-operations.md
 * "Retention"): resolved reports and their chat context after `REPORT_RETENTION`, interest counts
 * after 48 h. Bounded batches; what is left is taken by the next run.
 */
export async function runRetention(deps: Pick<AppServices, "db" | "kv" | "now" | "reportRetentionMs">): Promise<RetentionReport> {
  if (!(await deps.kv.setIfAbsent("retention:lock", String(deps.now()), RETENTION_EVERY_MS)))
    return { ran: false, reports: 0, interestCounts: 0 };
  const now = deps.now();
  const pruned = await pruneOldRecords(deps.db, {
    reportsBefore: new Date(now - (deps.reportRetentionMs ?? DEFAULT_REPORT_RETENTION_MS)),
    interestsBefore: new Date(now - INTEREST_COUNT_RETENTION_MS),
  });
  return { ran: true, ...pruned };
}

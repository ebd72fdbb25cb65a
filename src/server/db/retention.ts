import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "./client";

/**
 * Deletes what is no longer needed, in bounded batches (instructions/safety-and-operations.md
 * "Retention"): resolved reports (with their chat context) resolved before `reportsBefore`, and
 * interest counts of hours before `interestsBefore`. Open reports are never deleted.
 */
export async function pruneOldRecords(
  db: Database,
  options: { reportsBefore: Date; interestsBefore: Date; batch?: number },
): Promise<{ reports: number; interestCounts: number }> {
  const batch = options.batch ?? 1_000;
  const reports = await db.execute(sql`
    delete from reports where id in (
      select id from reports
      where status <> 'open' and resolved_at is not null and resolved_at < ${options.reportsBefore.toISOString()}
      limit ${batch})`);
  const interests = await db.execute(sql`
    delete from interest_counts where (hour, interest) in (
      select hour, interest from interest_counts where hour < ${options.interestsBefore.toISOString()} limit ${batch * 5})`);
  return { reports: affected(reports), interestCounts: affected(interests) };
}

function affected(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return Number(r.rowCount ?? r.affectedRows ?? 0);
}

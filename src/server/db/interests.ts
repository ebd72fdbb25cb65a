import "server-only";
import { desc, gte, sql } from "drizzle-orm";
import type { Database } from "./client";
import { interestCounts } from "./schema";

/** Adds one use of each interest to the current hour's counts. */
export async function countInterests(db: Database, interests: string[], at = new Date()): Promise<void> {
  if (interests.length === 0) return;
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  await db
    .insert(interestCounts)
    .values(interests.map((interest) => ({ hour, interest, count: 1 })))
    .onConflictDoUpdate({ target: [interestCounts.hour, interestCounts.interest], set: { count: sql`${interestCounts.count} + 1` } });
}

export async function popularInterests(db: Database, limit = 20, now = new Date()): Promise<{ interest: string; count: number }[]> {
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const total = sql<number>`sum(${interestCounts.count})::int`;
  return db
    .select({ interest: interestCounts.interest, count: total })
    .from(interestCounts)
    .where(gte(interestCounts.hour, since))
    .groupBy(interestCounts.interest)
    .orderBy(desc(total), interestCounts.interest)
    .limit(limit);
}

import "server-only";
import { desc, gte, sql } from "drizzle-orm";
import type { Database } from "./client";
import { interestCounts } from "./schema";

/** Adds uses of interests to the current hour's counts: a list counts each once, pairs add their counts. */
export async function countInterests(db: Database, interests: string[] | [string, number][], at = new Date()): Promise<void> {
  if (interests.length === 0) return;
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const rows = interests.map((entry) =>
    typeof entry === "string" ? { interest: entry, count: 1 } : { interest: entry[0], count: entry[1] },
  );
  await db
    .insert(interestCounts)
    .values(rows.map((r) => ({ hour, ...r })))
    .onConflictDoUpdate({
      target: [interestCounts.hour, interestCounts.interest],
      set: { count: sql`${interestCounts.count} + excluded.count` },
    });
}

export async function popularInterests(
  db: Database,
  limit = 20,
  now = new Date(),
): Promise<{ interest: string; count: number }[]> {
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

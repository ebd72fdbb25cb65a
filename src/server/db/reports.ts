import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { reports, users, type ChatLine } from "./schema";

export type ReportRow = typeof reports.$inferSelect;

/** A report as it is written; `id` given when the caller must know it before the row exists (a write retried until recorded). */
export interface NewReport {
  id?: string;
  reporter: string;
  reported: string;
  sessionId: string;
  reason: string;
  details: string | null;
  severity: string;
  chatContext: ChatLine[];
}

export async function insertReport(db: Database, r: NewReport): Promise<{ id: string } | null> {
  const rows = await db
    .insert(reports)
    .values({ ...r, id: r.id ?? randomUUID() })
    .onConflictDoNothing({ target: [reports.reporter, reports.sessionId] })
    .returning({ id: reports.id });
  return rows[0] ?? null;
}

const SEVERITY_ORDER = sql`case ${reports.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

/** Open reports, most severe first, oldest first within a severity, with the reported user's state. */
export async function listOpenReports(db: Database, limit = 100) {
  return db
    .select({
      report: reports,
      reportedNickname: users.nickname,
      reportedBannedUntil: users.bannedUntil,
      priorReports: sql<number>`(select count(*)::int from reports r2 where r2.reported = ${reports.reported})`,
    })
    .from(reports)
    .innerJoin(users, eq(users.id, reports.reported))
    .where(eq(reports.status, "open"))
    .orderBy(SEVERITY_ORDER, reports.createdAt)
    .limit(limit);
}

export async function findReport(db: Database, id: string): Promise<ReportRow | undefined> {
  const [row] = await db.select().from(reports).where(eq(reports.id, id)).limit(1);
  return row;
}

export async function resolveReport(
  db: Database,
  id: string,
  status: "dismissed" | "actioned",
  resolution: string,
): Promise<boolean> {
  const rows = await db
    .update(reports)
    .set({ status, resolution, resolvedAt: new Date() })
    .where(and(eq(reports.id, id), eq(reports.status, "open")))
    .returning({ id: reports.id });
  return rows.length > 0;
}

export async function recentReports(db: Database, limit = 20) {
  return db.select().from(reports).orderBy(desc(reports.createdAt)).limit(limit);
}

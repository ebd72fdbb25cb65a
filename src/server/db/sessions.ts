import "server-only";
import { and, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "./client";
import { matchSessions } from "./schema";

/** The durable record of match sessions: started, activated, ended exactly once. */

export interface SessionStartRecord {
  id: string;
  userA: string;
  userB: string;
  roomName: string;
  mood: string;
  commonInterests: string[];
  score: number;
  createdAt: number;
  kind?: "match" | "friend";
}

export async function recordSessionStart(db: Database, s: SessionStartRecord): Promise<void> {
  await db
    .insert(matchSessions)
    .values({ ...s, score: Math.round(s.score), createdAt: new Date(s.createdAt) })
    .onConflictDoNothing({ target: matchSessions.id });
}

export async function recordSessionActive(db: Database, id: string, at: number): Promise<void> {
  await db
    .update(matchSessions)
    .set({ activeAt: new Date(at) })
    .where(and(eq(matchSessions.id, id), isNull(matchSessions.activeAt)));
}

/**
 * The whole record of an ended session in one statement: inserted if its start was never
 * recorded (a crash in between), otherwise the end is set once.
 */
export async function recordSessionEnded(
  db: Database,
  s: SessionStartRecord & { endedAt: number; reason: string; endedBy: string | null; activeAt: number | null },
): Promise<void> {
  const end = { endedAt: new Date(s.endedAt), endReason: s.reason, endedBy: s.endedBy };
  await db
    .insert(matchSessions)
    .values({
      id: s.id,
      userA: s.userA,
      userB: s.userB,
      roomName: s.roomName,
      mood: s.mood,
      commonInterests: s.commonInterests,
      score: Math.round(s.score),
      createdAt: new Date(s.createdAt),
      kind: s.kind ?? "match",
      activeAt: s.activeAt === null ? null : new Date(s.activeAt),
      ...end,
    })
    .onConflictDoUpdate({ target: matchSessions.id, set: end, setWhere: isNull(matchSessions.endedAt) });
}

/** Sets the end once; a second call (replay, another instance) changes nothing. */
export async function recordSessionEnd(
  db: Database,
  end: { id: string; endedAt: number; reason: string; endedBy: string | null },
): Promise<boolean> {
  const rows = await db
    .update(matchSessions)
    .set({ endedAt: new Date(end.endedAt), endReason: end.reason, endedBy: end.endedBy })
    .where(and(eq(matchSessions.id, end.id), isNull(matchSessions.endedAt)))
    .returning({ id: matchSessions.id });
  return rows.length > 0;
}

export async function findSessionRecord(db: Database, id: string) {
  const [row] = await db.select().from(matchSessions).where(eq(matchSessions.id, id)).limit(1);
  return row;
}

/** Partners met since `since` (for re-priming the 24 h rematch window after a store restart). */
export async function recentPartners(db: Database, userId: string, since: Date): Promise<{ userId: string; at: number }[]> {
  const rows = await db
    .select({ a: matchSessions.userA, b: matchSessions.userB, at: matchSessions.createdAt })
    .from(matchSessions)
    .where(and(or(eq(matchSessions.userA, userId), eq(matchSessions.userB, userId)), gte(matchSessions.createdAt, since)));
  return rows.map((r) => ({ userId: r.a === userId ? r.b : r.a, at: r.at.getTime() }));
}

/** Sessions the record says are open but that started before `before`. */
export async function openSessionsBefore(db: Database, before: Date, limit = 500) {
  return db
    .select({ id: matchSessions.id, createdAt: matchSessions.createdAt })
    .from(matchSessions)
    .where(and(isNull(matchSessions.endedAt), lt(matchSessions.createdAt, before)))
    .limit(limit);
}

export async function matchesSince(db: Database, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(matchSessions)
    .where(gte(matchSessions.createdAt, since));
  return row?.n ?? 0;
}

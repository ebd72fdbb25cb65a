import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Standing } from "../matching/standing";
import { COMPONENT_OF, NEWCOMER_CALLS, RATER_CAP_WINDOW_MS, cappedDelta, standingFor, type TrustSource } from "../trust/rules";
import type { Database } from "./client";
import { matchSessions, trustScoreEvents, trustScores, users } from "./schema";

export interface TrustEvent {
  userId: string;
  delta: number;
  source: TrustSource;
  sourceRef: string;
  rater?: string;
  at: Date;
}

/**
 * Appends one ledger row and adds it to the score, in one transaction. A cause (`source_ref`)
 * moves a person once; with a rater, the rater's earlier reflection on the same person wins and
 * the delta is cut to what is left of the rater's 24 h cap. A transaction-scoped advisory lock
 * per rater makes the cap hold under concurrent reflections. Returns the delta applied, or null
 * when nothing was recorded.
 */
export async function recordTrustEvent(db: Database, e: TrustEvent): Promise<number | null> {
  return db.transaction(async (tx) => {
    let delta = e.delta;
    if (e.rater) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`trust-rater:${e.rater}`}))`);
      const [earlier] = await tx
        .select({ id: trustScoreEvents.id })
        .from(trustScoreEvents)
        .where(
          and(eq(trustScoreEvents.userId, e.userId), eq(trustScoreEvents.rater, e.rater), eq(trustScoreEvents.source, e.source)),
        )
        .limit(1);
      if (earlier) return null;
      const [used] = await tx
        .select({ total: sql<number>`coalesce(sum(abs(${trustScoreEvents.delta})), 0)::float8` })
        .from(trustScoreEvents)
        .where(
          and(
            eq(trustScoreEvents.rater, e.rater),
            gt(trustScoreEvents.createdAt, new Date(e.at.getTime() - RATER_CAP_WINDOW_MS)),
          ),
        );
      delta = cappedDelta(delta, Number(used?.total ?? 0));
    }
    const inserted = await tx
      .insert(trustScoreEvents)
      .values({
        id: randomUUID(),
        userId: e.userId,
        delta,
        source: e.source,
        sourceRef: e.sourceRef,
        rater: e.rater ?? null,
        createdAt: e.at,
      })
      .onConflictDoNothing({ target: [trustScoreEvents.userId, trustScoreEvents.source, trustScoreEvents.sourceRef] })
      .returning({ id: trustScoreEvents.id });
    if (inserted.length === 0) return null;
    const component = COMPONENT_OF[e.source];
    const column = trustScores[component];
    await tx
      .insert(trustScores)
      .values({ userId: e.userId, score: delta, [component]: delta, updatedAt: e.at })
      .onConflictDoUpdate({
        target: trustScores.userId,
        set: { score: sql`${trustScores.score} + ${delta}`, [component]: sql`${column} + ${delta}`, updatedAt: e.at },
      });
    return delta;
  });
}

export type TrustScoreRow = typeof trustScores.$inferSelect;

export async function trustScoreOf(db: Database, userId: string): Promise<TrustScoreRow | undefined> {
  const [row] = await db.select().from(trustScores).where(eq(trustScores.userId, userId)).limit(1);
  return row;
}

/** The newest ledger rows of a person, for the moderator console. */
export async function trustLedgerOf(db: Database, userId: string, limit = 20) {
  return db
    .select({
      delta: trustScoreEvents.delta,
      source: trustScoreEvents.source,
      sourceRef: trustScoreEvents.sourceRef,
      createdAt: trustScoreEvents.createdAt,
    })
    .from(trustScoreEvents)
    .where(eq(trustScoreEvents.userId, userId))
    .orderBy(desc(trustScoreEvents.createdAt))
    .limit(limit);
}

/** Scores and the newest `perUser` ledger rows of several people, in two queries (the moderator console). */
export async function trustOfMany(db: Database, userIds: string[], perUser: number) {
  if (userIds.length === 0) return { scores: [], ledger: [] };
  const ranked = db
    .select({
      userId: trustScoreEvents.userId,
      delta: trustScoreEvents.delta,
      source: trustScoreEvents.source,
      sourceRef: trustScoreEvents.sourceRef,
      createdAt: trustScoreEvents.createdAt,
      rank: sql<number>`row_number() over (partition by ${trustScoreEvents.userId} order by ${trustScoreEvents.createdAt} desc)`.as(
        "rank",
      ),
    })
    .from(trustScoreEvents)
    .where(inArray(trustScoreEvents.userId, userIds))
    .as("ranked");
  const [scores, ledger] = await Promise.all([
    db.select().from(trustScores).where(inArray(trustScores.userId, userIds)),
    db
      .select({
        userId: ranked.userId,
        delta: ranked.delta,
        source: ranked.source,
        sourceRef: ranked.sourceRef,
        createdAt: ranked.createdAt,
      })
      .from(ranked)
      .where(lte(ranked.rank, perUser))
      .orderBy(ranked.userId, desc(ranked.createdAt)),
  ]);
  return { scores, ledger };
}

/**
 * A user with their matching standing (trust/rules.ts standingFor), in one round trip: the score,
 * and their calls that connected counted only up to NEWCOMER_CALLS (the per-user session indexes).
 */
export async function findUserWithStanding(
  db: Database,
  userId: string,
): Promise<{ user: typeof users.$inferSelect; standing: Standing } | undefined> {
  const connected = (column: typeof matchSessions.userA | typeof matchSessions.userB) =>
    sql`(select count(*) from (select 1 from ${matchSessions} where ${column} = ${userId} and ${matchSessions.activeAt} is not null limit ${NEWCOMER_CALLS}) c)`;
  const [row] = await db
    .select({
      user: users,
      score: sql<number>`coalesce((select ${trustScores.score} from ${trustScores} where ${trustScores.userId} = ${userId}), 0)::float8`,
      calls: sql<number>`(${connected(matchSessions.userA)} + ${connected(matchSessions.userB)})::int`,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row && { user: row.user, standing: standingFor(Number(row.score), Number(row.calls)) };
}

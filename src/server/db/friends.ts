import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, or, sql } from "drizzle-orm";
import type { Database } from "./client";
import { blocks, friendships, meetReflections, users } from "./schema";

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/**
 * Makes the two members of a session friends if both said "again" about it and neither blocked
 * or reported the other; a pair already friends stays as it was. One statement, run after each
 * reflection is committed: whichever of two simultaneous reflections checks last sees both.
 * Returns whether they are friends now.
 */
export async function befriendIfMutual(db: Database, pair: { sessionId: string; a: string; b: string }): Promise<boolean> {
  const [low, high] = ordered(pair.a, pair.b);
  await db.execute(sql`
    insert into ${friendships} (id, user_low, user_high, origin_session_id)
    select ${randomUUID()}, ${low}, ${high}, ${pair.sessionId}
    where (select count(*) from ${meetReflections}
           where ${meetReflections.sessionId} = ${pair.sessionId} and ${meetReflections.outcome} = 'again') = 2
      and not exists (select 1 from ${blocks}
           where (${blocks.blocker} = ${low} and ${blocks.blocked} = ${high})
              or (${blocks.blocker} = ${high} and ${blocks.blocked} = ${low}))
    on conflict (user_low, user_high) do nothing`);
  return (await findFriendship(db, low, high)) !== undefined;
}

export async function findFriendship(db: Database, a: string, b: string) {
  const [low, high] = ordered(a, b);
  const [row] = await db
    .select()
    .from(friendships)
    .where(and(eq(friendships.userLow, low), eq(friendships.userHigh, high)))
    .limit(1);
  return row;
}

export interface FriendRow {
  friendshipId: string;
  userId: string;
  nickname: string;
  avatar: string | null;
  since: Date;
}

/** The user's friends, newest friendship first. */
export async function listFriends(db: Database, userId: string): Promise<FriendRow[]> {
  const friendId = sql<string>`case when ${friendships.userLow} = ${userId} then ${friendships.userHigh} else ${friendships.userLow} end`;
  return db
    .select({
      friendshipId: friendships.id,
      userId: users.id,
      nickname: users.nickname,
      avatar: users.avatar,
      since: friendships.createdAt,
    })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendId))
    .where(or(eq(friendships.userLow, userId), eq(friendships.userHigh, userId)))
    .orderBy(sql`${friendships.createdAt} desc`);
}

/** Unfriend by the friendship's id; only one of its two members may. Returns whether it was removed. */
export async function deleteFriendshipOf(db: Database, userId: string, friendshipId: string): Promise<boolean> {
  const rows = await db
    .delete(friendships)
    .where(and(eq(friendships.id, friendshipId), or(eq(friendships.userLow, userId), eq(friendships.userHigh, userId))))
    .returning({ id: friendships.id });
  return rows.length > 0;
}

/** A block or a report ends a friendship, whoever of the two made it. */
export async function endFriendship(db: Database, a: string, b: string): Promise<void> {
  const [low, high] = ordered(a, b);
  await db.delete(friendships).where(and(eq(friendships.userLow, low), eq(friendships.userHigh, high)));
}

/** The other member of one of the user's friendships, or undefined when it is not theirs (or gone). */
export async function friendIn(db: Database, userId: string, friendshipId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ low: friendships.userLow, high: friendships.userHigh })
    .from(friendships)
    .where(and(eq(friendships.id, friendshipId), or(eq(friendships.userLow, userId), eq(friendships.userHigh, userId))))
    .limit(1);
  if (!row) return undefined;
  return row.low === userId ? row.high : row.low;
}

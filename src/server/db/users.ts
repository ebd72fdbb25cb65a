import "server-only";
import { randomInt, randomUUID } from "node:crypto";
import { eq, gt, sql } from "drizzle-orm";
import type { Database } from "./client";
import { users } from "./schema";

export type UserRow = typeof users.$inferSelect;

const AVATARS = ["🦊", "🐼", "🐙", "🦉", "🐢", "🦄", "🐝", "🐧", "🦋", "🐳", "🦁", "🐸"];

export function defaultNickname(): string {
  return `Stranger${randomInt(1000, 10000)}`;
}

/** A new guest identity (one row per device; the JWT cookie carries the id). */
export async function createGuest(db: Database, nickname?: string): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ id: randomUUID(), nickname: nickname ?? defaultNickname(), avatar: AVATARS[randomInt(AVATARS.length)] })
    .returning();
  return row!;
}

export async function findUser(db: Database, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function renameUser(db: Database, id: string, nickname: string): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ nickname, lastSeenAt: sql`now()` })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function setBan(db: Database, id: string, until: Date | null, reason: string | null): Promise<void> {
  await db.update(users).set({ bannedUntil: until, banReason: reason }).where(eq(users.id, id));
}

export function isBanned(user: Pick<UserRow, "bannedUntil">, now = new Date()): boolean {
  return user.bannedUntil !== null && user.bannedUntil.getTime() > now.getTime();
}

/** Users banned past `now` (few: bans are rare). Read when the ban list changes (auth/bans.ts). */
export async function activeBans(db: Database, now = new Date()): Promise<{ id: string; bannedUntil: Date }[]> {
  const rows = await db.select({ id: users.id, bannedUntil: users.bannedUntil }).from(users).where(gt(users.bannedUntil, now));
  return rows.filter((r): r is { id: string; bannedUntil: Date } => r.bannedUntil !== null);
}

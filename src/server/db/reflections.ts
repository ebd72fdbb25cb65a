import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { ReflectionOutcome, ReflectionTag } from "@/lib/schemas";
import type { Database } from "./client";
import { meetReflections } from "./schema";

export type ReflectionRow = typeof meetReflections.$inferSelect;

/** Null when this person already reflected on this session (one each, kept as first given). */
export async function insertReflection(
  db: Database,
  r: { sessionId: string; rater: string; rated: string; vibe: number; outcome: ReflectionOutcome; tags: ReflectionTag[] },
): Promise<{ id: string } | null> {
  const rows = await db
    .insert(meetReflections)
    .values({ id: randomUUID(), ...r })
    .onConflictDoNothing({ target: [meetReflections.sessionId, meetReflections.rater] })
    .returning({ id: meetReflections.id });
  return rows[0] ?? null;
}

export async function findReflection(db: Database, sessionId: string, rater: string): Promise<ReflectionRow | undefined> {
  const [row] = await db
    .select()
    .from(meetReflections)
    .where(and(eq(meetReflections.sessionId, sessionId), eq(meetReflections.rater, rater)))
    .limit(1);
  return row;
}

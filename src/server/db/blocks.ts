import "server-only";
import { eq, or } from "drizzle-orm";
import type { Database } from "./client";
import { blocks } from "./schema";

/** Blocks are kept for good; matching excludes a pair if either side blocked or reported the other. */
export async function recordBlock(
  db: Database,
  b: { blocker: string; blocked: string; source: "block" | "report"; sessionId: string | null },
): Promise<void> {
  await db
    .insert(blocks)
    .values(b)
    .onConflictDoNothing({ target: [blocks.blocker, blocks.blocked] });
}

/** Everyone this user must never be matched with, in either direction. */
export async function excludedUsers(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ blocker: blocks.blocker, blocked: blocks.blocked })
    .from(blocks)
    .where(or(eq(blocks.blocker, userId), eq(blocks.blocked, userId)));
  return [...new Set(rows.map((r) => (r.blocker === userId ? r.blocked : r.blocker)))];
}

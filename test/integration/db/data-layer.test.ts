import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, type DatabaseHandle } from "@/server/db/client";
import type { Database } from "@/server/db";
import { excludedUsers, recordBlock } from "@/server/db/blocks";
import { countInterests, popularInterests } from "@/server/db/interests";
import { insertReport, listOpenReports, resolveReport } from "@/server/db/reports";
import {
  findSessionRecord,
  matchesSince,
  openSessionsBefore,
  recentPartners,
  recordSessionActive,
  recordSessionEnd,
  recordSessionStart,
} from "@/server/db/sessions";
import { createGuest, findUser, isBanned, renameUser, setBan } from "@/server/db/users";
import { createTestDatabase, type TestDatabase } from "@test/support/postgres";

/** The same repository behaviour on the real Postgres server and on the embedded PGlite. */
const engines: [string, () => Promise<{ db: Database; close: () => Promise<void> }>][] = [
  [
    "postgres",
    async () => {
      const t: TestDatabase = await createTestDatabase("dl");
      return { db: t.handle.db as Database, close: () => t.drop() };
    },
  ],
  [
    "pglite",
    async () => {
      const h: DatabaseHandle = await openPglite(null); // in memory, same migrations
      return { db: h.db as Database, close: () => h.close() };
    },
  ],
];

describe.each(engines)("data layer on %s", (_name, open) => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  it("users: create, rename, ban", async () => {
    const u = await createGuest(db, "Ada");
    expect(u).toMatchObject({ nickname: "Ada", bannedUntil: null });
    expect(u.avatar).toBeTruthy();
    expect((await renameUser(db, u.id, "Ada L"))?.nickname).toBe("Ada L");
    await setBan(db, u.id, new Date(Date.now() + 60_000), "test");
    const banned = (await findUser(db, u.id))!;
    expect(isBanned(banned)).toBe(true);
    expect(isBanned(banned, new Date(Date.now() + 120_000))).toBe(false);
    expect(await findUser(db, "nobody")).toBeUndefined();
  });

  it("sessions: start, activate, end exactly once, recent partners, open records", async () => {
    const a = await createGuest(db, "A");
    const b = await createGuest(db, "B");
    const t0 = Date.now() - 5_000;
    const start = {
      id: `s${Math.random().toString(36).slice(2)}`,
      userA: a.id,
      userB: b.id,
      roomName: "mm_x",
      mood: "chill",
      commonInterests: ["jazz"],
      score: 1.5,
      createdAt: t0,
    };
    await recordSessionStart(db, start);
    await recordSessionStart(db, start); // replay: no error, no second row
    expect(await openSessionsBefore(db, new Date())).toEqual(expect.arrayContaining([expect.objectContaining({ id: start.id })]));
    await recordSessionActive(db, start.id, t0 + 1_000);
    expect(await recordSessionEnd(db, { id: start.id, endedAt: t0 + 2_000, reason: "skip", endedBy: a.id })).toBe(true);
    expect(await recordSessionEnd(db, { id: start.id, endedAt: t0 + 3_000, reason: "end", endedBy: b.id })).toBe(false);
    const row = await findSessionRecord(db, start.id);
    expect(row).toMatchObject({ endReason: "skip", endedBy: a.id, commonInterests: ["jazz"], score: 2 });
    expect(row!.endedAt!.getTime()).toBe(t0 + 2_000);
    expect(row!.activeAt!.getTime()).toBe(t0 + 1_000);
    expect(await recentPartners(db, a.id, new Date(t0 - 1))).toEqual([{ userId: b.id, at: t0 }]);
    expect(await recentPartners(db, b.id, new Date(t0 + 1))).toEqual([]);
    expect(await matchesSince(db, new Date(t0 - 1))).toBeGreaterThanOrEqual(1);
  });

  it("blocks are unique per pair and exclude both ways", async () => {
    const a = await createGuest(db, "A");
    const b = await createGuest(db, "B");
    await recordBlock(db, { blocker: a.id, blocked: b.id, source: "block", sessionId: null });
    await recordBlock(db, { blocker: a.id, blocked: b.id, source: "report", sessionId: "s1" });
    expect(await excludedUsers(db, a.id)).toEqual([b.id]);
    expect(await excludedUsers(db, b.id)).toEqual([a.id]);
  });

  it("reports: once per reporter and session, listed by severity, resolved once", async () => {
    const a = await createGuest(db, "A");
    const b = await createGuest(db, "B");
    const base = {
      reporter: a.id,
      reported: b.id,
      details: null,
      chatContext: [{ from: "reported" as const, text: "hi", sentAt: new Date().toISOString() }],
    };
    const low = await insertReport(db, { ...base, sessionId: "r1", reason: "spam", severity: "low" });
    const critical = await insertReport(db, { ...base, sessionId: "r2", reason: "minor", severity: "critical" });
    expect(await insertReport(db, { ...base, sessionId: "r1", reason: "spam", severity: "low" })).toBeNull();
    const open = (await listOpenReports(db)).filter((r) => r.report.reporter === a.id);
    expect(open.map((r) => r.report.id)).toEqual([critical!.id, low!.id]);
    expect(open[0]!.report.chatContext[0]!.text).toBe("hi");
    expect(open[0]!.priorReports).toBe(2);
    expect(await resolveReport(db, low!.id, "dismissed", "ok")).toBe(true);
    expect(await resolveReport(db, low!.id, "actioned", "again")).toBe(false);
  });

  it("popular interests over the last 24 hours", async () => {
    const now = new Date();
    await countInterests(db, ["jazz", "chess"], now);
    await countInterests(db, ["jazz"], now);
    await countInterests(db, ["old"], new Date(now.getTime() - 30 * 3_600_000));
    const popular = await popularInterests(db, 10, now);
    expect(popular.slice(0, 2)).toEqual([
      { interest: "jazz", count: 2 },
      { interest: "chess", count: 1 },
    ]);
    expect(popular.find((p) => p.interest === "old")).toBeUndefined();
  });
});

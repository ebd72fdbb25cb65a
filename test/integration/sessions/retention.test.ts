import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cleanupRoute from "@/app/api/cron/cleanup/route";
import { countInterests } from "@/server/db/interests";
import { insertReport } from "@/server/db/reports";
import { createHarness, type Harness } from "@test/support/harness";

/**
 * The retention job in the cleanup cron (instructions/safety-and-operations.md "Retention"): resolved
 * reports with their chat context go after REPORT_RETENTION (90 days by default), interest counts
 * after 48 h; open reports stay; at most one run an hour. Real Postgres and Redis.
 */
let h: Harness;
const DAY = 86_400_000;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const cron = async () =>
  (
    await cleanupRoute.POST(
      new Request("http://localhost:3000/api/cron/cleanup", {
        method: "POST",
        headers: { authorization: "Bearer test-cron-secret" },
      }),
    )
  ).json();
const rows = async (query: string) =>
  ((await h.db.handle.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;

describe("retention", () => {
  it("deletes old resolved reports and old interest counts, keeps open reports and recent data, once an hour", async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const report = async (sessionId: string, status: string, resolvedDaysAgo: number | null, createdDaysAgo: number) => {
      const created = await insertReport(h.deps.db, {
        reporter: a.id,
        reported: b.id,
        sessionId,
        reason: "spam",
        details: "said things",
        severity: "low",
        chatContext: [{ from: "reported", text: "secret chat", sentAt: new Date().toISOString() }],
      });
      const resolved = resolvedDaysAgo === null ? "null" : `'${new Date(h.clock.now - resolvedDaysAgo * DAY).toISOString()}'`;
      await h.db.handle.db.execute(
        `update reports set status = '${status}', resolved_at = ${resolved}, created_at = '${new Date(h.clock.now - createdDaysAgo * DAY).toISOString()}' where id = '${created!.id}'`,
      );
      return created!.id;
    };
    const oldResolved = await report("s1", "actioned", 91, 100);
    const oldDismissed = await report("s2", "dismissed", 120, 121);
    const recentResolved = await report("s3", "dismissed", 10, 100);
    const oldOpen = await report("s4", "open", null, 400);
    await countInterests(h.deps.db, ["ancient"], new Date(h.clock.now - 3 * DAY));
    await countInterests(h.deps.db, ["fresh"], new Date(h.clock.now - 3_600_000));

    const first = await cron();
    expect(first).toMatchObject({ ran: true, retention: { ran: true, reports: 2, interestCounts: 1 } });
    const left = (await rows("select id from reports")).map((r) => r.id).sort();
    expect(left).toEqual([recentResolved, oldOpen].sort());
    expect(left).not.toContain(oldResolved);
    expect(left).not.toContain(oldDismissed);
    expect((await rows("select interest from interest_counts")).map((r) => r.interest)).toEqual(["fresh"]);

    const second = await cron();
    expect(second.retention).toEqual({ ran: false, reports: 0, interestCounts: 0 });
  });
});

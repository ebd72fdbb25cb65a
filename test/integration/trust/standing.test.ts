import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import { matchSessions } from "@/server/db/schema";
import { findUserWithStanding, recordTrustEvent } from "@/server/db/trust";
import { NEWCOMER_CALLS, REPORT_CONFIRMED_DELTA } from "@/server/trust/rules";
import { postAs } from "@test/support/calls";
import { createHarness, type Harness, type TestUser } from "@test/support/harness";

/** Matching uses the trust score: the rule from the score and calls in Postgres to the pair commit in Redis. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function lowTrust(nickname: string): Promise<TestUser> {
  const user = await h.newUser(nickname);
  await recordTrustEvent(h.deps.db, {
    userId: user.id,
    delta: REPORT_CONFIRMED_DELTA,
    source: "report_confirmed",
    sourceRef: randomUUID(),
    at: new Date(h.deps.now()),
  });
  return user;
}

/** A user with NEWCOMER_CALLS connected calls behind them (with partners of their own). */
async function regular(nickname: string): Promise<TestUser> {
  const user = await h.newUser(nickname);
  for (let i = 0; i < NEWCOMER_CALLS; i++) {
    const partner = await h.newUser(`${nickname}-partner-${i}`);
    const at = new Date(h.deps.now() - 3_600_000);
    await h.deps.db.insert(matchSessions).values({
      id: randomUUID(),
      userA: i % 2 ? user.id : partner.id,
      userB: i % 2 ? partner.id : user.id,
      roomName: `room-${i}`,
      mood: "chill",
      createdAt: at,
      activeAt: at,
      endedAt: at,
      endReason: "end",
    });
  }
  return user;
}

async function start(user: TestUser) {
  const res = await enqueueRoute.POST(postAs(user, "/api/matching/enqueue", { mood: "chill", mode: "any" }));
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; session?: { partner: { nickname: string } } };
}

describe("trust standing in matching (real Postgres and Redis)", () => {
  it("reads the standing from the score and the calls that connected", async () => {
    const [fresh, low, reg] = [await h.newUser("Fresh"), await lowTrust("Low"), await regular("Reg")];
    const standing = async (u: TestUser) => (await findUserWithStanding(h.deps.db, u.id))?.standing;
    expect(await standing(fresh)).toBe("newcomer");
    expect(await standing(low)).toBe("low");
    expect(await standing(reg)).toBe("regular");
    expect(await findUserWithStanding(h.deps.db, "no-such-user")).toBeUndefined();
  });

  it("low trust is never matched with a newcomer, is matched among low trust first, and regulars with newcomers", async () => {
    const newcomer = await h.newUser("Newcomer");
    const [low1, low2, low3] = [await lowTrust("Low1"), await lowTrust("Low2"), await lowTrust("Low3")];
    expect((await start(newcomer)).status).toBe("waiting");
    expect((await start(low1)).status).toBe("waiting"); // not with the waiting newcomer
    const lows = await start(low2);
    expect(lows).toMatchObject({ status: "in_session", session: { partner: { nickname: "Low1" } } });
    expect((await start(low3)).status).toBe("waiting");
    // a regular: the newcomer (same side of the threshold) before low trust, though low3 waited longer too
    const reg = await regular("Reg");
    expect(await start(reg)).toMatchObject({ status: "in_session", session: { partner: { nickname: "Newcomer" } } });
    // with nobody on their side left, low trust meets a regular
    expect(await start(await regular("Reg2"))).toMatchObject({
      status: "in_session",
      session: { partner: { nickname: "Low3" } },
    });
  });
});

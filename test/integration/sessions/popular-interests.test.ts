import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as popularRoute from "@/app/api/interests/popular/route";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import { resetPopularInterestsCache } from "@/server/sessions/interest-counter";
import { apiRequest, createHarness, type Harness } from "@test/support/harness";

/**
 * `GET /api/interests/popular` is public and shown to everyone: it must not write (one upsert per
 * request was a write amplifier anyone could drive) and must pass the chat filter
 * (instructions/safety-and-operations.md "Popular interests"). Real Postgres and Redis.
 */
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ blockedWords: ["badword"] });
  resetPopularInterestsCache();
});
afterAll(async () => {
  await h?.close();
});

const rowCount = async () => {
  const result = (await h.db.handle.db.execute("select count(*)::int as n from interest_counts")) as unknown as {
    rows: { n: number }[];
  };
  return Number(result.rows[0]!.n);
};

describe("popular interests", () => {
  it("shows what was just typed without writing, and hides what the chat filter would not deliver", async () => {
    for (const interests of [
      ["jazz", "badword"],
      ["jazz", "b4dword", "chess"],
      ["jazz", "snap.gg", "555 123 4567"],
    ]) {
      const user = await h.newUser();
      expect(
        (await enqueueRoute.POST(apiRequest(user, "/api/matching/enqueue", { method: "POST", body: { interests } }))).status,
      ).toBe(200);
      await endRoute.POST(apiRequest(user, "/api/matching/end", { method: "POST", body: {} }));
    }
    const before = await rowCount();
    const res = await popularRoute.GET(new Request("http://localhost:3000/api/interests/popular"));
    expect(res.status).toBe(200);
    const list = (await res.json()) as { interest: string; count: number }[];
    // The GET wrote nothing: the counts are still pending in memory, flushed by the timer.
    expect(await rowCount()).toBe(before);
    expect(list).toEqual([
      { interest: "jazz", count: 3 },
      { interest: "chess", count: 1 },
    ]);
  });
});

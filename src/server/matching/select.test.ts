import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MOODS } from "@/lib/schemas";
import {
  applyWindow,
  moodCompatible,
  normalizeInterests,
  pairScore,
  pairUp,
  pickPartner,
  rankPartners,
  type Waiter,
} from "./select";

const w = (userId: string, p: Partial<Waiter["prefs"]> = {}, since = 0, seq = 0): Waiter => ({
  userId,
  prefs: { mood: "chill", interests: [], mode: "same_mood", ...p },
  since,
  seq,
});
const cfg = { relaxMoodAfterMs: 10_000 };
const never = () => false;

describe("moodCompatible", () => {
  it("needs equal moods until both same_mood sides relaxed", () => {
    const a = w("a", { mood: "chill" }, 0);
    const b = w("b", { mood: "fire" }, 5_000);
    expect(moodCompatible(a, b, 10_000, 10_000)).toBe(false);
    expect(moodCompatible(a, b, 14_999, 10_000)).toBe(false);
    expect(moodCompatible(a, b, 15_000, 10_000)).toBe(true);
  });
  it("treats random mood as a wildcard and mode any as accepting anything", () => {
    expect(moodCompatible(w("a", { mood: "shy" }), w("b", { mood: "random" }), 0, 10_000)).toBe(true);
    expect(moodCompatible(w("a", { mood: "shy", mode: "any" }), w("b", { mood: "fire", mode: "any" }), 0, 10_000)).toBe(true);
    expect(moodCompatible(w("a", { mood: "shy" }), w("b", { mood: "fire", mode: "any" }), 0, 10_000)).toBe(false);
  });
  it("is symmetric", () => {
    const waiter = fc.record({
      mood: fc.constantFrom(...MOODS),
      mode: fc.constantFrom("same_mood" as const, "any" as const),
      since: fc.integer({ min: 0, max: 30_000 }),
    });
    fc.assert(
      fc.property(waiter, waiter, fc.integer({ min: 30_000, max: 60_000 }), (x, y, now) => {
        const a = w("a", { mood: x.mood, mode: x.mode }, x.since);
        const b = w("b", { mood: y.mood, mode: y.mode }, y.since);
        expect(moodCompatible(a, b, now, 20_000)).toBe(moodCompatible(b, a, now, 20_000));
      }),
    );
  });
});

describe("pickPartner", () => {
  it("scores common interests above the same-mood bonus and breaks ties FIFO", () => {
    const seeker = w("s", { mood: "chill", mode: "any", interests: ["a", "b"] }, 100);
    const c1 = w("c1", { mood: "fire", mode: "any" }, 1, 0);
    const c2 = w("c2", { mood: "chill", mode: "any" }, 2, 0);
    const c3 = w("c3", { mood: "fire", mode: "any", interests: ["b"] }, 3, 0);
    const c4 = w("c4", { mood: "fire", mode: "any", interests: ["b"] }, 3, 1);
    expect(pickPartner(seeker, [c1, c2], 100, cfg, never)?.partner.userId).toBe("c2");
    expect(pickPartner(seeker, [c1, c2, c3, c4], 100, cfg, never)).toMatchObject({
      partner: { userId: "c3" },
      score: 1,
      common: ["b"],
    });
  });
  it("never picks itself or a blocked user", () => {
    const seeker = w("s");
    expect(pickPartner(seeker, [w("s"), w("x")], 0, cfg, (a, b) => a === "s" && b === "x")).toBeNull();
  });
});

describe("rankPartners", () => {
  /** A random waiter's preferences and enqueue time, for the property tests. */
  const waiter = fc.record({
    mood: fc.constantFrom(...MOODS),
    mode: fc.constantFrom("same_mood" as const, "any" as const),
    interests: fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { maxLength: 3 }),
    since: fc.integer({ min: 0, max: 20_000 }),
  });
  it("lists the best few, best first, ties in FIFO order, skipping excluded candidates", () => {
    const seeker = w("s", { mood: "chill", mode: "any", interests: ["a", "b"] }, 100);
    const queue = [
      w("c1", { mood: "fire", mode: "any" }, 1),
      w("c2", { mood: "chill", mode: "any" }, 2),
      w("c3", { mood: "fire", mode: "any", interests: ["b"] }, 3),
      w("c4", { mood: "chill", mode: "any", interests: ["a", "b"] }, 4),
      w("c5", { mood: "fire", mode: "any", interests: ["a"] }, 5),
    ];
    const ids = (k: number, skip = (_: Waiter) => false) =>
      rankPartners(seeker, queue, 100, cfg, k, skip).map((p) => p.partner.userId);
    expect(ids(5)).toEqual(["c4", "c3", "c5", "c2", "c1"]);
    expect(ids(2)).toEqual(["c4", "c3"]);
    expect(ids(2, (c) => c.userId === "c4")).toEqual(["c3", "c5"]);
    expect(rankPartners(seeker, queue, 100, cfg, 1, never)[0]).toMatchObject({ score: 2.5, common: ["a", "b"] });
  });
  it("lists exactly the rule's best candidates for any queue (against the rules spelled out)", () => {
    fc.assert(
      fc.property(waiter, fc.array(waiter, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (s, rest, k) => {
        const seeker = w("s", s, s.since);
        const queue = [...rest.map((x, i) => w(`c${i}`, x, x.since, i)), w("s", s, s.since, 99)].sort(
          (a, b) => a.since - b.since || a.seq - b.seq,
        );
        const excluded = (c: Waiter) => c.userId === "c0" || c.userId === "c3";
        // the reference: every allowed candidate scored, best first, ties in queue order
        const expected = queue
          .filter((c) => c.userId !== "s" && !excluded(c) && moodCompatible(seeker, c, 25_000, cfg.relaxMoodAfterMs))
          .map((c, order) => ({ id: c.userId, score: pairScore(seeker.prefs, c.prefs).score, order }))
          .sort((a, b) => b.score - a.score || a.order - b.order)
          .slice(0, k);
        const ranked = rankPartners(seeker, queue, 25_000, cfg, k, excluded);
        // (the list may stop early once it is full of perfect scores: same ids then)
        expect(ranked.map((r) => [r.partner.userId, r.score])).toEqual(expected.map((e) => [e.id, e.score]));
      }),
    );
  });
  it("agrees with pickPartner on its first choice for any queue", () => {
    fc.assert(
      fc.property(waiter, fc.array(waiter, { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (s, rest, k) => {
        const seeker = w("s", s, s.since);
        const queue = rest.map((x, i) => w(`c${i}`, x, x.since, i)).sort((a, b) => a.since - b.since || a.seq - b.seq);
        const ranked = rankPartners(seeker, queue, 25_000, cfg, k, (c) => c.userId === "c0");
        const pick = pickPartner(seeker, queue, 25_000, cfg, (_, b) => b === "c0");
        expect(ranked[0]?.partner.userId ?? null).toBe(pick?.partner.userId ?? null);
        expect(ranked.length).toBeLessThanOrEqual(k);
        for (let i = 1; i < ranked.length; i++) expect(ranked[i]!.score).toBeLessThanOrEqual(ranked[i - 1]!.score);
      }),
    );
  });
});

describe("pairUp / window / scores", () => {
  it("pairs greedily in FIFO order without reusing anyone", () => {
    const q = [w("a"), w("b", {}, 1), w("c", {}, 2)];
    expect(pairUp(q, 5, cfg, never).map((p) => [p.seeker.userId, p.pick.partner.userId])).toEqual([["a", "b"]]);
  });
  it("takes the whole queue when it fits, else head and tail halves", () => {
    const q = [1, 2, 3, 4, 5, 6, 7];
    expect(applyWindow(q, 7)).toEqual(q);
    expect(applyWindow(q, 3)).toEqual([1, 2, 7]);
    expect(applyWindow(q, 4)).toEqual([1, 2, 6, 7]);
  });
  it("gives the same-mood bonus only for a real mood", () => {
    expect(
      pairScore({ mood: "random", interests: ["x"], mode: "any" }, { mood: "random", interests: ["x"], mode: "any" }).score,
    ).toBe(1);
    expect(pairScore({ mood: "shy", interests: [], mode: "any" }, { mood: "shy", interests: [], mode: "any" }).score).toBe(0.5);
  });
  it("normalises interests", () => {
    expect(normalizeInterests([" Go ", "go", "a\u001fb", "\u001e"])).toEqual(["go", "ab"]);
  });
});

describe("trust standing", () => {
  const as = (standing: Waiter["standing"], waiter: Waiter): Waiter => ({ ...waiter, standing });
  it("never pairs low trust with a newcomer, either way", () => {
    const low = as("low", w("low", { mode: "any" }, 1));
    const newcomer = as("newcomer", w("new", { mode: "any" }, 2));
    expect(pickPartner(low, [newcomer], 10, cfg, never)).toBeNull();
    expect(pickPartner(newcomer, [low], 10, cfg, never)).toBeNull();
    expect(pairUp([low, newcomer], 10, cfg, never)).toEqual([]);
  });
  it("matches low trust among themselves first, whatever the interests, and regulars among regulars", () => {
    const low = as("low", w("low", { mode: "any", interests: ["a", "b"] }, 5));
    const regularMatch = as("regular", w("reg", { mode: "any", interests: ["a", "b"] }, 1));
    const otherLow = as("low", w("low2", { mode: "any" }, 2));
    const pick = pickPartner(low, [regularMatch, otherLow], 10, cfg, never);
    expect(pick?.partner.userId).toBe("low2");
    expect(pick?.score).toBe(0.5); // the plain pair score (same mood), without the rank penalty
    const regular = as("regular", w("r", { mode: "any", interests: ["a"] }, 5));
    const newcomer = as("newcomer", w("n", { mode: "any" }, 3));
    expect(
      pickPartner(regular, [as("low", w("l", { mode: "any", interests: ["a"] }, 1)), newcomer], 10, cfg, never)?.partner.userId,
    ).toBe("n");
  });
  it("still pairs across the threshold when nobody on the same side fits", () => {
    const low = as("low", w("low", { mode: "any", interests: ["a"] }, 5));
    const pick = pickPartner(low, [as("regular", w("r", { mode: "any", interests: ["a"] }, 1))], 10, cfg, never);
    expect(pick).toMatchObject({ partner: { userId: "r" }, score: 1.5, common: ["a"] });
  });
});

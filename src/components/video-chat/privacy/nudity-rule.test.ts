import { describe, expect, it } from "vitest";
import { createGuardState, explicitScore, reportDetails, type NsfwScores } from "./nudity-rule";

const scores = (porn: number, hentai = 0): NsfwScores => ({
  drawing: 0,
  hentai,
  neutral: Math.max(0, 1 - porn - hentai),
  porn,
  sexy: 0,
});

describe("nudity rule", () => {
  it("adds porn and hentai", () => {
    expect(explicitScore(scores(0.5, 0.3))).toBeCloseTo(0.8);
  });

  it("trips only after two explicit samples in a row, and stays tripped until reset", () => {
    const guard = createGuardState({ threshold: 0.8, consecutive: 2, intervalMs: 2000 });
    expect(guard.add(scores(0.9))).toBe(false);
    expect(guard.add(scores(0.1))).toBe(false); // the streak breaks
    expect(guard.add(scores(0.5, 0.3))).toBe(false);
    expect(guard.add(scores(0.79))).toBe(false); // just under
    expect(guard.add(scores(0.85))).toBe(false);
    expect(guard.add(scores(0.6, 0.3))).toBe(true);
    expect(guard.tripped?.scores.map(explicitScore)).toEqual([0.85, expect.closeTo(0.9)]);
    expect(guard.add(scores(0))).toBe(true);
    guard.reset();
    expect(guard.tripped).toBeNull();
    expect(guard.add(scores(0.95))).toBe(false);
  });

  it("writes the scores into the report's details, within the API's 1000 characters", () => {
    const details = reportDetails([scores(0.9), scores(0.85, 0.05)]);
    expect(details).toContain("porn 0.90");
    expect(details).toContain("hentai 0.05");
    expect(details).toContain("2 samples in a row");
    expect(details.length).toBeLessThanOrEqual(1000);
  });
});

import { describe, expect, it } from "vitest";
import { RATER_DAILY_CAP, cappedDelta, reflectionDelta } from "./rules";

describe("trust rules", () => {
  it("a reflection moves the score a little, from −2 to +2", () => {
    expect(reflectionDelta(3, "maybe")).toBe(0);
    expect(reflectionDelta(5, "again")).toBe(2);
    expect(reflectionDelta(1, "pass")).toBe(-1.5);
    expect(reflectionDelta(4, "pass")).toBe(0);
  });

  it("a rater's effect is cut to what is left of their daily cap, whichever the sign", () => {
    expect(cappedDelta(2, 0)).toBe(2);
    expect(cappedDelta(-1.5, RATER_DAILY_CAP - 1)).toBe(-1);
    expect(cappedDelta(2, RATER_DAILY_CAP)).toBe(0);
    expect(cappedDelta(1, RATER_DAILY_CAP + 3)).toBe(0);
  });
});

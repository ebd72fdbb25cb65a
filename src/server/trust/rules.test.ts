import { describe, expect, it } from "vitest";
import {
  LOW_TRUST_BELOW,
  NEWCOMER_CALLS,
  RATER_DAILY_CAP,
  REPORT_CONFIRMED_DELTA,
  cappedDelta,
  reflectionDelta,
  standingFor,
} from "./rules";

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

  it("a confirmed report makes a user low trust; newcomers are those with fewer than NEWCOMER_CALLS calls", () => {
    expect(standingFor(REPORT_CONFIRMED_DELTA, 50)).toBe("low");
    expect(standingFor(REPORT_CONFIRMED_DELTA, 0)).toBe("low");
    expect(standingFor(LOW_TRUST_BELOW, 0)).toBe("newcomer");
    expect(standingFor(0, NEWCOMER_CALLS - 1)).toBe("newcomer");
    expect(standingFor(0, NEWCOMER_CALLS)).toBe("regular");
    expect(standingFor(6 * reflectionDelta(1, "pass"), NEWCOMER_CALLS)).toBe("low");
  });
});

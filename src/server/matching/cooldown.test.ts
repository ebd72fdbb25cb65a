import { describe, expect, it } from "vitest";
import {
  clearCooldownLevel,
  cooldownUntil,
  countSkip,
  endCountsAsSkip,
  escalateCooldown,
  resetsCooldownLevel,
  SELF_END_REASONS,
} from "./cooldown";

const config = { skipFree: 2, skipWindowMs: 1000, cooldownStepsMs: [10, 50], cooldownResetAfterMs: 60 };

describe("cooldown policy", () => {
  it("counts skips in a sliding window and starts over after the one that exceeds the allowance", () => {
    let recent: number[] = [];
    const skipAt = (now: number) => {
      const counted = countSkip(recent, now, config);
      recent = counted.recent;
      return counted.exceeded;
    };
    expect([skipAt(0), skipAt(500)]).toEqual([false, false]);
    expect(skipAt(1000)).toBe(false); // the skip at 0 has left the window (exactly skipWindowMs ago)
    expect(skipAt(1001)).toBe(true); // 500, 1000, 1001
    expect(recent).toEqual([]);
    expect([skipAt(1002), skipAt(1003)]).toEqual([false, false]);
  });

  it("climbs the ladder one step per offence, capped at the last", () => {
    expect(escalateCooldown(0, config, 100)).toEqual({ level: 1, until: 110 });
    expect(escalateCooldown(1, config, 100)).toEqual({ level: 2, until: 150 });
    expect(escalateCooldown(2, config, 100)).toEqual({ level: 2, until: 150 });
    expect(cooldownUntil({ level: 1, until: 110 }, 109)).toBe(110);
    expect(cooldownUntil({ level: 1, until: 110 }, 110)).toBeNull();
    expect(cooldownUntil(undefined, 0)).toBeNull();
  });

  it("a long conversation, from activeAt else createdAt, resets the level but not a running cooldown", () => {
    expect(resetsCooldownLevel({ createdAt: 0, activeAt: 10 }, 69, config)).toBe(false);
    expect(resetsCooldownLevel({ createdAt: 0, activeAt: 10 }, 70, config)).toBe(true);
    expect(resetsCooldownLevel({ createdAt: 0, activeAt: null }, 60, config)).toBe(true);
    expect(clearCooldownLevel({ level: 2, until: 500 })).toEqual({ level: 0, until: 500 });
  });
});

describe("Stop then Start counts like Next", () => {
  it("a short session its own user ended (Stop or leaving) counts as a skip; others never do", () => {
    const session = { createdAt: 0, activeAt: 10 };
    expect(endCountsAsSkip("end", "u", session, 69, config)).toBe(true);
    expect(endCountsAsSkip("disconnect", "u", session, 69, config)).toBe(true);
    // the same threshold as the reset: a session either resets the level or counts
    expect(endCountsAsSkip("end", "u", session, 70, config)).toBe(false);
    expect(resetsCooldownLevel(session, 70, config)).toBe(true);
    expect(endCountsAsSkip("end", null, session, 20, config)).toBe(false);
    for (const reason of ["report", "block", "timeout", "skip"] as const)
      expect(endCountsAsSkip(reason, "u", session, 20, config)).toBe(false);
    expect(SELF_END_REASONS).toEqual(["end", "disconnect"]);
  });
});

import { describe, expect, it } from "vitest";
import { REFLECTION_MIN_CALL_MS, callLengthMs, deservesReflection } from "./reflections";
import { reflectionInputSchema } from "./schemas";

describe("reflection rules", () => {
  it("measures a call from both being in the room, or from the match when they never were", () => {
    expect(callLengthMs({ startedAt: 1_000, activeAt: 4_000, endedAt: 30_000 })).toBe(26_000);
    expect(callLengthMs({ startedAt: 1_000, activeAt: null, endedAt: 30_000 })).toBe(29_000);
  });

  it("gives a card from 20 s on", () => {
    expect(deservesReflection({ startedAt: 0, endedAt: REFLECTION_MIN_CALL_MS - 1 })).toBe(false);
    expect(deservesReflection({ startedAt: 0, endedAt: REFLECTION_MIN_CALL_MS })).toBe(true);
  });
});

describe("reflection input", () => {
  it("accepts a vibe 1–5, an outcome and known tags, deduplicated", () => {
    const parsed = reflectionInputSchema.parse({ sessionId: "s_1", vibe: 4, outcome: "again", tags: ["kind", "kind", "funny"] });
    expect(parsed).toEqual({ sessionId: "s_1", vibe: 4, outcome: "again", tags: ["kind", "funny"] });
    expect(reflectionInputSchema.parse({ sessionId: "s_1", vibe: 1, outcome: "pass" }).tags).toEqual([]);
  });

  it.each([
    [{ sessionId: "s_1", vibe: 0, outcome: "again" }, "vibe"],
    [{ sessionId: "s_1", vibe: 6, outcome: "again" }, "vibe"],
    [{ sessionId: "s_1", vibe: 2.5, outcome: "again" }, "vibe"],
    [{ sessionId: "s_1", vibe: 3, outcome: "forever" }, "outcome"],
    [{ sessionId: "s_1", vibe: 3, outcome: "maybe", tags: ["rude"] }, "tags"],
    [{ sessionId: "s_1", vibe: 3, outcome: "maybe", userId: "someone" }, ""],
  ])("refuses %j", (input, path) => {
    const result = reflectionInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (path) expect(result.error!.issues[0]!.path[0]).toBe(path);
  });
});

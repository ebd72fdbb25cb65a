import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  visibleText,
  blockInputSchema,
  CHAT_MAX_LENGTH,
  chatMessageInputSchema,
  emptyInputSchema,
  enqueueInputSchema,
  MATCH_MODES,
  MAX_INTERESTS,
  MOODS,
  REPORT_REASONS,
  reportInputSchema,
  typingInputSchema,
} from "@/lib/schemas";

/**
 * Property-based checks of the public input schemas (src/lib/schemas.ts): whatever a client
 * sends, validation answers (never throws → never a 5xx), accepts what the contract allows and
 * normalises it, and rejects what is over the limits.
 */

const RUNS = { numRuns: 300 };

const SCHEMAS = {
  enqueueInputSchema,
  chatMessageInputSchema,
  reportInputSchema,
  blockInputSchema,
  typingInputSchema,
  emptyInputSchema,
} as const;

// Anything JavaScript can hold, including prototype tricks and exotic objects.
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

// Objects with the right keys but arbitrary values, so the per-field validators are exercised.
const FIELD_NAMES = ["mood", "interests", "mode", "sessionId", "text", "reason", "details", "userId", "__proto__", "constructor"];
const fieldsWithAnyValues = fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.oneof(anyValue, fc.array(anyValue)), {
  maxKeys: 5,
});

// Mostly single UTF-16 units (so length limits can be hit precisely), plus the characters that
// stress normalisation: whitespace variants, letters whose case mapping changes length, emoji.
const bmpChar = fc
  .integer({ min: 0, max: 0xffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCharCode(c));
const tricky = fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u3000", "İ", "ẞ", "Σ", "😀", "👍🏽", "\u200b", "é", "E\u0301");
const unit = fc.oneof(
  { arbitrary: bmpChar, weight: 6 },
  { arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: tricky, weight: 1 },
);
const text = (min: number, max: number) => fc.string({ unit, minLength: min, maxLength: max });
const sessionId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
/** zod (this version) measures string lengths in Unicode code points, not UTF-16 units. */
const codePoints = (s: string) => [...s].length;
/** A string whose trimmed form has a length in [min, max] code points. */
const trimmedWithin = (min: number, max: number) =>
  text(min, max).filter((s) => codePoints(visibleText(s)) >= min && codePoints(visibleText(s)) <= max);
const pad = fc.constantFrom("", " ", "\t", "  \n ");

const normaliseInterest = (s: string) => visibleText(s).toLowerCase().replace(/\s+/g, " ");
/** Interests whose normalised form is blank or over 32 code points. */
const badInterest = fc
  .oneof(text(33, 80), pad)
  .filter((s) => codePoints(normaliseInterest(s)) === 0 || codePoints(normaliseInterest(s)) > 32);

describe("schemas never throw", () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}.safeParse on arbitrary values`, () => {
      fc.assert(
        fc.property(fc.oneof(anyValue, fc.jsonValue(), fieldsWithAnyValues), (value) => {
          const result = schema.safeParse(value);
          expect(typeof result.success).toBe("boolean");
        }),
        RUNS,
      );
    });

    it(`${name}.safeParse on parsed JSON text`, () => {
      fc.assert(
        fc.property(fc.json(), (json) => {
          expect(typeof schema.safeParse(JSON.parse(json)).success).toBe("boolean");
        }),
        RUNS,
      );
    });
  }
});

describe("enqueueInputSchema", () => {
  const interest = trimmedWithin(1, 32).map((s) => s);
  const validEnqueue = fc.record(
    {
      mood: fc.constantFrom(...MOODS),
      mode: fc.constantFrom(...MATCH_MODES),
      interests: fc.array(fc.oneof(interest, fc.constantFrom("Music", "music", " MUSIC ", "Board  Games", "board games")), {
        maxLength: MAX_INTERESTS,
      }),
    },
    { requiredKeys: [] },
  );

  it("accepts valid input and normalises interests (lower case, single spaces, deduped, ≤ 10)", () => {
    fc.assert(
      fc.property(validEnqueue, (input) => {
        const result = enqueueInputSchema.safeParse(input);
        expect(result.success).toBe(true);
        if (!result.success) return;
        expect(result.data.mood).toBe(input.mood);
        expect(result.data.mode).toBe(input.mode);
        if (input.interests === undefined) {
          expect(result.data.interests).toBeUndefined();
          return;
        }
        const expected = [...new Set(input.interests.map(normaliseInterest))];
        expect(result.data.interests).toEqual(expected);
        const out = result.data.interests ?? [];
        expect(out.length).toBeLessThanOrEqual(MAX_INTERESTS);
        expect(new Set(out).size).toBe(out.length);
        for (const i of out) {
          expect(i).toBe(i.toLowerCase());
          expect(i).toBe(i.trim());
          expect(i).not.toMatch(/\s{2}/);
        }
      }),
      RUNS,
    );
  });

  it("rejects more than 10 interests, even when some repeat", () => {
    fc.assert(
      fc.property(fc.array(interest, { minLength: MAX_INTERESTS + 1, maxLength: 40 }), (interests) => {
        expect(enqueueInputSchema.safeParse({ interests }).success).toBe(false);
      }),
      RUNS,
    );
  });

  it("rejects an interest over 32 characters or blank", () => {
    fc.assert(
      fc.property(badInterest, fc.array(interest, { maxLength: 5 }), (bad, others) => {
        expect(enqueueInputSchema.safeParse({ interests: [...others, bad] }).success).toBe(false);
      }),
      RUNS,
    );
  });

  it("rejects unknown moods, modes and extra keys (no smuggled user id)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .string()
            .filter((s) => !(MOODS as readonly string[]).includes(s))
            .map((mood) => ({ mood })),
          fc
            .string()
            .filter((s) => !(MATCH_MODES as readonly string[]).includes(s))
            .map((mode) => ({ mode })),
          fc
            .string({ minLength: 1 })
            .filter((k) => !["mood", "interests", "mode"].includes(k))
            .map((k) => ({ [k]: "x" })),
        ),
        (input) => {
          expect(enqueueInputSchema.safeParse(input).success).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

describe("chatMessageInputSchema and typingInputSchema", () => {
  it("accepts 1–500 characters after trimming and delivers the trimmed text", () => {
    fc.assert(
      fc.property(sessionId, trimmedWithin(1, CHAT_MAX_LENGTH), pad, (id, body, p) => {
        const result = chatMessageInputSchema.safeParse({ sessionId: id, text: p + body + p });
        expect(result.success).toBe(true);
        if (result.success) expect(result.data).toEqual({ sessionId: id, text: visibleText(p + body + p) });
      }),
      RUNS,
    );
  });

  it("rejects text over 500 characters or blank", () => {
    fc.assert(
      fc.property(sessionId, fc.oneof(trimmedWithin(CHAT_MAX_LENGTH + 1, 700), pad), (id, body) => {
        expect(chatMessageInputSchema.safeParse({ sessionId: id, text: body }).success).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects session ids that are too long or have other characters", () => {
    const badId = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{65,100}$/),
      fc.string({ minLength: 1 }).filter((s) => !/^[A-Za-z0-9_-]+$/.test(s.trim())),
    );
    fc.assert(
      fc.property(badId, (id) => {
        expect(chatMessageInputSchema.safeParse({ sessionId: id, text: "hi" }).success).toBe(false);
        expect(typingInputSchema.safeParse({ sessionId: id }).success).toBe(false);
        expect(blockInputSchema.safeParse({ sessionId: id }).success).toBe(false);
      }),
      RUNS,
    );
  });

  it("accepts valid typing and block bodies and nothing extra", () => {
    fc.assert(
      fc.property(sessionId, (id) => {
        expect(typingInputSchema.safeParse({ sessionId: id }).success).toBe(true);
        expect(blockInputSchema.safeParse({ sessionId: id }).success).toBe(true);
        expect(blockInputSchema.safeParse({ sessionId: id, userId: "u1" }).success).toBe(false);
      }),
      RUNS,
    );
  });
});

describe("reportInputSchema", () => {
  it("accepts every reason with optional details up to 1000 characters", () => {
    fc.assert(
      fc.property(
        sessionId,
        fc.constantFrom(...REPORT_REASONS),
        fc.option(trimmedWithin(0, 1000), { nil: undefined }),
        (id, reason, details) => {
          const input = details === undefined ? { sessionId: id, reason } : { sessionId: id, reason, details };
          const result = reportInputSchema.safeParse(input);
          expect(result.success).toBe(true);
          if (result.success)
            expect(result.data.details).toBe(details === undefined ? undefined : visibleText(details) || undefined);
        },
      ),
      RUNS,
    );
  });

  it("rejects details over 1000 characters and unknown reasons", () => {
    fc.assert(
      fc.property(sessionId, trimmedWithin(1001, 1200), (id, details) => {
        expect(reportInputSchema.safeParse({ sessionId: id, reason: "spam", details }).success).toBe(false);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(
        sessionId,
        fc.string().filter((r) => !(REPORT_REASONS as readonly string[]).includes(r)),
        (id, reason) => {
          expect(reportInputSchema.safeParse({ sessionId: id, reason }).success).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

describe("emptyInputSchema", () => {
  it("accepts only {}", () => {
    expect(emptyInputSchema.safeParse({}).success).toBe(true);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (body) => {
        expect(emptyInputSchema.safeParse(body).success).toBe(false);
      }),
      RUNS,
    );
  });
});

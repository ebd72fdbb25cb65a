import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration";

describe("parseDuration", () => {
  it("reads units and treats bare numbers as seconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("2")).toBe(2000);
  });
  it("rejects garbage", () => {
    expect(() => parseDuration("soon")).toThrow(/not a duration/);
    expect(() => parseDuration("-1s")).toThrow();
  });
});

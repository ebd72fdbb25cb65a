import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT, safeNext } from "./safe-next";

describe("safeNext", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeNext("/video-chat")).toBe("/video-chat");
    expect(safeNext("/admin?tab=reports#top")).toBe("/admin?tab=reports#top");
    expect(safeNext("/a/b%20c")).toBe("/a/b%20c");
    expect(safeNext("/ /x")).toBe("/%20/x");
  });

  it.each([
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/%5Cevil.com",
    "/%5cevil.com",
    "/%255Cevil.com",
    "/%2F%2Fevil.com",
    "/%2fevil.com",
    "%2F%2Fevil.com",
    "/%09/evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "https://evil.com",
    "http:evil.com",
    "javascript:alert(1)",
    "evil.com",
    "/%E0%A4%A",
    "",
  ])("refuses %j", (next) => {
    expect(safeNext(next)).toBe(DEFAULT_NEXT);
  });

  it("falls back for missing values", () => {
    expect(safeNext(undefined)).toBe(DEFAULT_NEXT);
    expect(safeNext(null, "/")).toBe("/");
    expect(safeNext("/" + "a".repeat(3000))).toBe(DEFAULT_NEXT);
  });
});

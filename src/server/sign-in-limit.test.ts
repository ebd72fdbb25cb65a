import { describe, expect, it } from "vitest";
import { isGuestSignIn } from "./sign-in-limit";

describe("isGuestSignIn", () => {
  it("is the POST guest callback, whatever follows the provider segment", () => {
    expect(isGuestSignIn("POST", ["callback", "guest"])).toBe(true);
    expect(isGuestSignIn("POST", ["callback", "guest", "anything"])).toBe(true);
    expect(isGuestSignIn("POST", ["callback", "guest", "a", "b"])).toBe(true);
  });

  it("is nothing else", () => {
    expect(isGuestSignIn("GET", ["callback", "guest"])).toBe(false);
    expect(isGuestSignIn("POST", ["csrf"])).toBe(false);
    expect(isGuestSignIn("POST", ["signout"])).toBe(false);
    expect(isGuestSignIn("POST", ["callback", "github"])).toBe(false);
    expect(isGuestSignIn("POST", [])).toBe(false);
    expect(isGuestSignIn("POST", undefined)).toBe(false);
  });
});

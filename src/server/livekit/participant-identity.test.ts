import { describe, expect, it } from "vitest";
import { memberByIdentity, participantIdentity } from "./participant-identity";

const secret = "secret-0123456789abcdef0123456789";
const session = { id: "s1", a: { userId: "user-a" }, b: { userId: "user-b" } };

describe("participant pseudonyms", () => {
  it("hides the user id, is stable within a session and differs across sessions and users", () => {
    const a1 = participantIdentity(secret, "s1", "user-a");
    expect(a1).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
    expect(a1).not.toContain("user-a");
    expect(participantIdentity(secret, "s1", "user-a")).toBe(a1);
    expect(participantIdentity(secret, "s2", "user-a")).not.toBe(a1);
    expect(participantIdentity(secret, "s1", "user-b")).not.toBe(a1);
    expect(participantIdentity("another-secret-0123456789abcdef", "s1", "user-a")).not.toBe(a1);
  });

  it("maps a pseudonym back to its member, and nothing else to anyone", () => {
    expect(memberByIdentity(secret, session, participantIdentity(secret, "s1", "user-b"))).toBe(session.b);
    expect(memberByIdentity(secret, session, "user-a")).toBeNull(); // a raw user id is not an identity
    expect(memberByIdentity(secret, session, participantIdentity(secret, "s2", "user-a"))).toBeNull();
  });
});

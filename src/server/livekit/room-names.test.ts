import { describe, expect, it } from "vitest";
import { isSessionRoom, roomNameForSession, sessionIdFromRoomName } from "./room-names";

describe("room names", () => {
  it("round-trips a session id through mm_<id>", () => {
    expect(roomNameForSession("abc_123")).toBe("mm_abc_123");
    expect(sessionIdFromRoomName(roomNameForSession("abc_123"))).toBe("abc_123");
  });

  it("ignores rooms this app does not own", () => {
    expect(sessionIdFromRoomName("other-room")).toBeNull();
    expect(sessionIdFromRoomName("mm_")).toBeNull();
    expect(sessionIdFromRoomName("")).toBeNull();
    expect(sessionIdFromRoomName(null)).toBeNull();
    expect(isSessionRoom("mm_x")).toBe(true);
    expect(isSessionRoom("MM_x")).toBe(false);
  });

  it("refuses an empty session id", () => {
    expect(() => roomNameForSession("")).toThrow();
  });
});

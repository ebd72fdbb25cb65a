import { describe, expect, it } from "vitest";
import {
  configureRoomPrefix,
  isSessionRoom,
  ROOM_PREFIX_PATTERN,
  roomNameForSession,
  roomPrefixFromNamespace,
  sessionIdFromRoomName,
} from "./room-names";

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

describe("room prefix per deployment", () => {
  it("names and recognises only its own rooms", () => {
    expect(roomNameForSession("s1", "deploy-a")).toBe("deploy-a_s1");
    expect(sessionIdFromRoomName("deploy-a_s1", "deploy-a")).toBe("s1");
    expect(sessionIdFromRoomName("deploy-b_s1", "deploy-a")).toBeNull();
    expect(sessionIdFromRoomName("mm_s1", "deploy-a")).toBeNull();
    expect(isSessionRoom("deploy-a_s1")).toBe(false); // the default prefix is mm
  });

  it("never claims a room of a deployment whose prefix extends its own", () => {
    // Prefixes cannot hold "_", so "mm_x_1" can only be mm's session "x_1", never deployment "mm_x".
    expect(ROOM_PREFIX_PATTERN.test("mm_x")).toBe(false);
    expect(sessionIdFromRoomName("mm-x_1", "mm")).toBeNull();
    expect(sessionIdFromRoomName("mmx_1", "mm")).toBeNull();
  });

  it("derives the default from REDIS_NAMESPACE and refuses invalid prefixes", () => {
    expect(roomPrefixFromNamespace("mm")).toBe("mm");
    expect(roomPrefixFromNamespace("staging_eu")).toBe("staging-eu");
    expect(() => configureRoomPrefix("a_b")).toThrow();
    expect(() => configureRoomPrefix("")).toThrow();
  });
});

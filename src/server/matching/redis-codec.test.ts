import { describe, expect, it } from "vitest";
import { decodeTicket, encodeRequest, pairKey, windowEntryFrom } from "./redis-codec";

/** A ticket as the enqueue script writes it: the request with `<version>,<since>` after its three digits. */
const ticketOf = (request: string, version: number, since: number) =>
  `${request.slice(0, 3)}${version},${since}${request.slice(3)}`;

describe("redis codec", () => {
  it("reads a ticket back without its profile (window entries) and with it (decodeTicket)", () => {
    const request = encodeRequest({ mood: "fire", interests: ["music", "film"], mode: "any" }, { nickname: "Ann", avatar: null });
    const t = ticketOf(request, 1030, 1_700_000_000_123);
    expect(windowEntryFrom("u1", t)).toEqual({
      userId: "u1",
      version: "1030",
      since: 1_700_000_000_123,
      seq: 6,
      standing: "regular",
      prefs: { mood: "fire", interests: ["music", "film"], mode: "any" },
    });
    expect(decodeTicket(t)).toMatchObject({ version: "1030", profile: { nickname: "Ann", avatar: null } });
    const none = ticketOf(
      encodeRequest({ mood: "random", interests: [], mode: "same_mood" }, { nickname: "B", avatar: "x" }),
      7,
      5,
    );
    expect(windowEntryFrom("u2", none).prefs).toEqual({ mood: "random", interests: [], mode: "same_mood" });
    const low = ticketOf(
      encodeRequest({ mood: "chill", interests: [], mode: "any" }, { nickname: "C", avatar: null }, "low"),
      12,
      9,
    );
    expect(windowEntryFrom("u3", low)).toMatchObject({ version: "12", since: 9, standing: "low" });
  });

  it("names a pair the same way from either side", () => {
    expect(pairKey("a", "b")).toBe(pairKey("b", "a"));
    expect(pairKey("a", "b")).not.toBe(pairKey("a", "c"));
  });
});

import { describe, expect, it } from "vitest";
import { SESSION_FIELDS } from "../redis-codec";
import { batchFunction, decodeEndReply, decodeEnqueueReply, endOp, enqueueOp } from "./batch";

/** A stored session value as lua/sessions.lua writes it (fields joined by \x1d in SESSION_FIELDS order). */
const stored = (f: Partial<Record<(typeof SESSION_FIELDS)[number], string>>) =>
  SESSION_FIELDS.map((name) => f[name] ?? "").join("\x1d");
const live = stored({ id: "s1", a: "a", b: "b", c: "1000", am: "1", bm: "1", ap: '{"nickname":"A"}', bp: '{"nickname":"B"}' });

describe("batch protocol", () => {
  it("lays an enqueue out as lua/batch.lua reads it: the ranked candidates after their count", () => {
    const op = enqueueOp({
      userId: "u",
      request: "r",
      sessionId: "s",
      unseenAfter: "-inf",
      ranked: [
        { userId: "x", version: "7" },
        { userId: "y", version: "9" },
      ],
    });
    expect(batchFunction.args([op, endOp("s0", "skip", null)])).toEqual([
      "E",
      "u",
      "r",
      "s",
      "-inf",
      2,
      "x",
      "7",
      "y",
      "9",
      "X",
      "s0",
      "skip",
      "",
    ]);
  });

  it("decodes each kind of enqueue reply with its stale ids and, when waiting, the new ticket", () => {
    expect(decodeEnqueueReply(["cooldown", 5000])).toEqual({ outcome: { kind: "cooldown", until: 5000 }, stale: [] });
    const matched = decodeEnqueueReply(["matched", "s1", "1", live, ["x"]]);
    expect(matched).toMatchObject({
      outcome: { kind: "matched", created: true, session: { id: "s1", a: { userId: "a" } } },
      stale: ["x"],
    });
    expect(decodeEnqueueReply(["waiting", 3, 4, "1030", "1000", ["y"]])).toEqual({
      outcome: { kind: "waiting", position: 3, waiting: 4 },
      stale: ["y"],
      ticket: { version: "1030", since: 1000, seq: 6 },
    });
  });

  it("decodes an end: the ended session, or null when it was not live", () => {
    expect(decodeEndReply(stored({ id: "s1", a: "a", b: "b", c: "1000", e: "2000", rs: "skip", by: "a" }))).toMatchObject({
      id: "s1",
      endedAt: 2000,
      reason: "skip",
      endedBy: "a",
    });
    expect(decodeEndReply(null)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import type { WindowEntry } from "./redis-codec";
import { createWindowSnapshot, type WindowRead } from "./window-snapshot";

const entry = (userId: string, since: number): WindowEntry => ({
  userId,
  version: String(since),
  since,
  seq: 0,
  prefs: { mood: "chill", interests: [], mode: "same_mood" },
});

function reader(queue: () => WindowEntry[]) {
  let reads = 0;
  const read = async (): Promise<WindowRead> => {
    reads++;
    return { newestScore: String(queue().length), entries: queue() };
  };
  return { read, reads: () => reads };
}

describe("window snapshot", () => {
  it("shares one read among calls within maxAge and applies local outcomes to it", async () => {
    const queue = [entry("a", 1), entry("b", 2)];
    const r = reader(() => queue);
    const snap = createWindowSnapshot(r.read, 200, 60_000);
    const [v1, v2] = await Promise.all([snap.view(), snap.view()]);
    expect(r.reads()).toBe(1);
    expect(v1.candidates.map((c) => c.userId)).toEqual(["a", "b"]);
    expect(v2.newestScore).toBe("2");
    snap.remove(["a"]);
    snap.upsert(entry("c", 3));
    snap.upsert({ ...entry("b", 2), version: "9" }); // an update keeps its place
    const v3 = await snap.view();
    expect(r.reads()).toBe(1);
    expect(v3.candidates.map((c) => `${c.userId}@${c.version}`)).toEqual(["b@9", "c@3"]);
    expect(v3.entry("c")?.since).toBe(3);
  });

  it("reads again once stale or invalidated, and bounds the candidates by the window rule", async () => {
    const queue = Array.from({ length: 6 }, (_, i) => entry(`u${i}`, i));
    const r = reader(() => queue);
    const snap = createWindowSnapshot(r.read, 4, 0);
    expect((await snap.view()).candidates.map((c) => c.userId)).toEqual(["u0", "u1", "u4", "u5"]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    await snap.view();
    expect(r.reads()).toBe(2);
    const fresh = createWindowSnapshot(r.read, 200, 60_000);
    await fresh.view();
    fresh.invalidate();
    await fresh.view();
    expect(r.reads()).toBe(4);
  });

  it("counts claims so concurrent local seekers can rank someone else first", () => {
    const snap = createWindowSnapshot(reader(() => []).read, 200, 5);
    snap.claim("a");
    snap.claim("a");
    snap.release("a");
    expect(snap.isClaimed("a")).toBe(true);
    snap.release("a");
    expect(snap.isClaimed("a")).toBe(false);
  });
});

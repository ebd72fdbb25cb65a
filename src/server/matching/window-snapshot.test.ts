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

  it("answers from a slightly stale copy while the next read is out, and waits when the copy is old", async () => {
    let now = 0;
    let queue = [entry("a", 1)];
    const held: (() => void)[] = [];
    let reads = 0;
    const read = (): Promise<WindowRead> => {
      reads++;
      const entries = queue;
      return new Promise((resolve) => held.push(() => resolve({ newestScore: String(entries.length), entries })));
    };
    const snap = createWindowSnapshot(read, 200, 5, () => now);
    const first = snap.view();
    held.shift()!(); // nothing to serve yet: the first view waits for its read
    expect((await first).candidates.map((c) => c.userId)).toEqual(["a"]);
    queue = [entry("a", 1), entry("b", 2)];
    now = 12; // past maxAge, within 4 × maxAge: the old copy answers, a read goes out
    expect((await snap.view()).candidates.map((c) => c.userId)).toEqual(["a"]);
    expect(await snap.view().then((v) => v.candidates.length)).toBe(1);
    expect(reads).toBe(2); // one read for both
    held.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await snap.view()).candidates.map((c) => c.userId)).toEqual(["a", "b"]);
    now = 100; // an idle process's copy: wait for the read
    let answered = false;
    const late = snap.view().then((v) => ((answered = true), v));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    queue = [entry("c", 3)];
    held.shift()!();
    expect((await late).candidates.map((c) => c.userId)).toEqual(["a", "b"]); // (the read took the queue as it was when sent)
    expect(reads).toBe(3);
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

import { describe, expect, it } from "vitest";
import { createGroupCommit } from "./group-commit";

describe("createGroupCommit", () => {
  it("sends the operations of one turn as one call, in order, with the latest clock", async () => {
    const calls: { ops: string[]; now: number }[] = [];
    const group = createGroupCommit<string, string>(async (ops, now) => {
      calls.push({ ops, now });
      return ops.map((op) => op.toUpperCase());
    });
    const replies = await Promise.all([group.run("a", 5), group.run("b", 9), group.run("c", 7)]);
    expect(replies).toEqual(["A", "B", "C"]);
    expect(calls).toEqual([{ ops: ["a", "b", "c"], now: 9 }]);
    // the next turn is a new call
    expect(await group.run("d", 1)).toBe("D");
    expect(calls[1]).toEqual({ ops: ["d"], now: 1 });
  });

  it("splits a large turn into calls of at most maxOps", async () => {
    const sizes: number[] = [];
    const group = createGroupCommit<number, number>(
      async (ops) => {
        sizes.push(ops.length);
        return ops.map((n) => n * 2);
      },
      { maxOps: 4, maxInFlight: 8 },
    );
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => group.run(i, 0)));
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("keeps at most maxInFlight calls out; what arrives meanwhile goes in the next call", async () => {
    const calls: number[][] = [];
    const answers: (() => void)[] = [];
    const group = createGroupCommit<number, number>(
      (ops) =>
        new Promise((resolve) => {
          calls.push(ops);
          answers.push(() => resolve(ops));
        }),
      { maxInFlight: 1 },
    );
    const first = group.run(1, 0);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([[1]]);
    const later = [group.run(2, 0), group.run(3, 0), group.run(4, 0)];
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1); // still one out
    answers[0]!();
    expect(await first).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(calls[1]).toEqual([2, 3, 4]);
    answers[1]!();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
  });

  it("fails every operation of a failed call, and only those", async () => {
    let fail = true;
    const group = createGroupCommit<string, string>(async (ops) => {
      if (fail) throw new Error("connection lost");
      return ops;
    });
    const first = await Promise.allSettled([group.run("a", 0), group.run("b", 0)]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await group.run("c", 0)).toBe("c");
  });

  it("fails the call when the reply count does not match", async () => {
    const group = createGroupCommit<string, string>(async () => ["only one"]);
    await expect(Promise.all([group.run("a", 0), group.run("b", 0)])).rejects.toThrow(/1 replies for 2/);
  });
});

describe('createGroupCommit bounds (instructions/safety-and-operations.md "Every dependency failure is a 503")', () => {
  const never = () => new Promise<never>(() => {});

  it("fails an operation that got no reply within its deadline, and never sends one whose deadline passed while it waited", async () => {
    const sent: string[][] = [];
    let hang = true;
    const group = createGroupCommit<string, string>((ops) => (sent.push(ops), hang ? never() : Promise.resolve(ops)), {
      deadlineMs: 30,
    });
    const started = performance.now();
    const first = group.run("a", 0);
    await new Promise((r) => setImmediate(r));
    const outcomes = await Promise.allSettled([first, group.run("b", 0), group.run("c", 0)]);
    expect(performance.now() - started).toBeLessThan(500);
    for (const o of outcomes) expect(o).toMatchObject({ status: "rejected", reason: { name: "DependencyUnavailableError" } });
    expect(sent).toEqual([["a"]]); // b and c got their 503 unsent: they must not run later
    // the hung call gives up its slot: the next operations go out
    hang = false;
    await new Promise((r) => setTimeout(r, 60));
    expect(await group.run("d", 0)).toBe("d");
    expect(sent).toEqual([["a"], ["d"]]);
  });

  it("refuses at once when its queue is full, instead of queueing without bound", async () => {
    const group = createGroupCommit<number, number>(() => never(), { maxQueued: 3, deadlineMs: 50 });
    const first = group.run(0, 0); // goes out and hangs
    await new Promise((r) => setImmediate(r));
    const queued = [1, 2, 3].map((n) => group.run(n, 0));
    await expect(group.run(4, 0)).rejects.toMatchObject({
      name: "DependencyUnavailableError",
      message: expect.stringMatching(/overloaded/),
    });
    await Promise.allSettled([first, ...queued]);
  });

  it("a reply after the deadline is dropped; the next operations still go out", async () => {
    let answer: ((v: string[]) => void) | undefined;
    const group = createGroupCommit<string, string>(
      (ops) => (ops[0] === "slow" ? new Promise<string[]>((resolve) => (answer = resolve)) : Promise.resolve(ops)),
      { deadlineMs: 20 },
    );
    await expect(group.run("slow", 0)).rejects.toMatchObject({ name: "DependencyUnavailableError" });
    answer!(["slow"]);
    expect(await group.run("fast", 0)).toBe("fast");
  });
});

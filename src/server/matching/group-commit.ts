import "server-only";
import { DependencyUnavailableError } from "../http/dependency-errors";

/**
 * Group commit: operations asked for while earlier ones are on their way are sent together, as
 * one call. At most `maxInFlight` calls are out at once; whatever arrives meanwhile waits for the
 * next one, so the busier the process, the larger each call and the smaller each operation's
 * share of the round trip and of the call's fixed cost. An idle process sends a lone operation
 * after one event-loop turn (setImmediate: the turn's other I/O callbacks may add to it).
 *
 * `send` gets the operations in the order they were asked for and must answer with one reply per
 * operation, in the same order. When it fails, every operation of that call fails with its error.
 *
 * Bounded (instructions/safety-and-operations.md "Every dependency failure is a 503"): at most
 * `maxQueued` operations wait (more are refused at once), and each operation fails after
 * `deadlineMs` from when it was asked for, sent or not, with a DependencyUnavailableError (503).
 * One that times out before it was sent is never sent: its caller has been told it failed. One
 * that times out on the wire may still run; its late reply is dropped (the store's outbox makes
 * sure a session it started or ended is announced). A call that has outlived every operation in
 * it gives up its in-flight slot after 2 × `deadlineMs`, so a hung connection cannot stop the
 * queue for good.
 */
export interface GroupCommit<Op, Reply> {
  run(op: Op, now: number): Promise<Reply>;
}

export interface GroupCommitOptions {
  /** Operations per call at most (default 64). */
  maxOps?: number;
  /** Calls out at once at most (default 1: what arrives while one is out goes in the next, so batches grow with load). */
  maxInFlight?: number;
  /** Operations waiting to be sent at most; more are refused at once (default 4096). */
  maxQueued?: number;
  /** An operation without a reply this long after it was asked for fails (default 5000 ms). */
  deadlineMs?: number;
}

interface Pending<Op, Reply> {
  op: Op;
  now: number;
  settled: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit<Op, Reply>(
  /** `now`: the latest clock any of the operations was asked with (the store's clock only moves forward). */
  send: (ops: Op[], now: number) => Promise<Reply[]>,
  options: GroupCommitOptions = {},
): GroupCommit<Op, Reply> {
  const maxOps = options.maxOps ?? 64;
  const maxInFlight = options.maxInFlight ?? 1;
  const maxQueued = options.maxQueued ?? 4096;
  const deadlineMs = options.deadlineMs ?? 5_000;
  let pending: Pending<Op, Reply>[] = [];
  let scheduled = false;
  let inFlight = 0;

  function schedule() {
    if (scheduled || pending.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush() {
    scheduled = false;
    pending = pending.filter((p) => !p.settled);
    while (pending.length > 0 && inFlight < maxInFlight) {
      const group = pending.slice(0, maxOps);
      pending = pending.slice(group.length);
      inFlight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearTimeout(slotTimer);
        inFlight--;
        schedule();
      };
      const slotTimer = setTimeout(release, 2 * deadlineMs);
      slotTimer.unref?.();
      dispatch(group).finally(release);
    }
  }

  function settle(p: Pending<Op, Reply>, outcome: { reply: Reply } | { error: unknown }) {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if ("reply" in outcome) p.resolve(outcome.reply);
    else p.reject(outcome.error);
  }

  async function dispatch(group: Pending<Op, Reply>[]) {
    try {
      const now = group.reduce((latest, p) => Math.max(latest, p.now), -Infinity);
      const replies = await send(
        group.map((p) => p.op),
        now,
      );
      if (replies.length !== group.length)
        throw new Error(`group commit: ${replies.length} replies for ${group.length} operations`);
      group.forEach((p, i) => settle(p, { reply: replies[i]! }));
    } catch (error) {
      group.forEach((p) => settle(p, { error }));
    }
  }

  return {
    run(op, now) {
      return new Promise<Reply>((resolve, reject) => {
        if (pending.length >= maxQueued) {
          reject(new DependencyUnavailableError("redis", `match store overloaded: ${pending.length} operations waiting`));
          return;
        }
        const entry: Pending<Op, Reply> = { op, now, settled: false, timer: undefined as never, resolve, reject };
        entry.timer = setTimeout(() => {
          pending = pending.filter((p) => p !== entry);
          settle(entry, { error: new DependencyUnavailableError("redis", `match store gave no answer within ${deadlineMs} ms`) });
        }, deadlineMs);
        entry.timer.unref?.();
        pending.push(entry);
        schedule();
      });
    },
  };
}

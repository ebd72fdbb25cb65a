import "server-only";

/**
 * Group commit: operations asked for while earlier ones are on their way are sent together, as
 * one call. At most `maxInFlight` calls are out at once; whatever arrives meanwhile waits for the
 * next one, so the busier the process, the larger each call and the smaller each operation's
 * share of the round trip and of the call's fixed cost. An idle process sends a lone operation
 * after one event-loop turn (setImmediate: the turn's other I/O callbacks may add to it).
 *
 * `send` gets the operations in the order they were asked for and must answer with one reply per
 * operation, in the same order. When it fails, every operation of that call fails with its error.
 */
export interface GroupCommit<Op, Reply> {
  run(op: Op, now: number): Promise<Reply>;
}

export interface GroupCommitOptions {
  /** Operations per call at most (default 64). */
  maxOps?: number;
  /** Calls out at once at most (default 1: what arrives while one is out goes in the next, so batches grow with load). */
  maxInFlight?: number;
}

interface Pending<Op, Reply> {
  op: Op;
  now: number;
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
    while (pending.length > 0 && inFlight < maxInFlight) {
      const group = pending.slice(0, maxOps);
      pending = pending.slice(group.length);
      inFlight++;
      dispatch(group).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  async function dispatch(group: Pending<Op, Reply>[]) {
    try {
      const now = group.reduce((latest, p) => Math.max(latest, p.now), -Infinity);
      const replies = await send(
        group.map((p) => p.op),
        now,
      );
      if (replies.length !== group.length) throw new Error(`group commit: ${replies.length} replies for ${group.length} operations`);
      group.forEach((p, i) => p.resolve(replies[i]!));
    } catch (error) {
      group.forEach((p) => p.reject(error));
    }
  }

  return {
    run(op, now) {
      return new Promise<Reply>((resolve, reject) => {
        pending.push({ op, now, resolve, reject });
        schedule();
      });
    },
  };
}

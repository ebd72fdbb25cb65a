import "server-only";

/**
 * Group commit: operations asked for during one event-loop turn are sent together, as one call,
 * once the turn's I/O callbacks have run (setImmediate). Under load a process's concurrent
 * requests land in the same turn, so one Redis script serves many of them and each pays a share
 * of the round trip and of the script's fixed cost; a lone request waits one turn (microseconds).
 *
 * `send` gets the operations in the order they were asked for and must answer with one reply per
 * operation, in the same order. When it fails, every operation of that call fails with its error.
 */
export interface GroupCommit<Op, Reply> {
  run(op: Op, now: number): Promise<Reply>;
}

interface Pending<Op, Reply> {
  op: Op;
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit<Op, Reply>(
  /** `now`: the latest clock any of the operations was asked with (the store's clock only moves forward). */
  send: (ops: Op[], now: number) => Promise<Reply[]>,
  maxOps = 64,
): GroupCommit<Op, Reply> {
  let pending: Pending<Op, Reply>[] = [];
  let now = -Infinity;

  function dispatch(group: Pending<Op, Reply>[], at: number) {
    send(
      group.map((p) => p.op),
      at,
    ).then(
      (replies) => {
        if (replies.length !== group.length) throw new Error(`group commit: ${replies.length} replies for ${group.length} operations`);
        group.forEach((p, i) => p.resolve(replies[i]!));
      },
      (error: unknown) => group.forEach((p) => p.reject(error)),
    ).catch((error: unknown) => group.forEach((p) => p.reject(error)));
  }

  function flush() {
    const all = pending;
    const at = now;
    pending = [];
    now = -Infinity;
    for (let i = 0; i < all.length; i += maxOps) dispatch(all.slice(i, i + maxOps), at);
  }

  return {
    run(op, opNow) {
      return new Promise<Reply>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ op, resolve, reject });
        if (opNow > now) now = opNow;
      });
    },
  };
}

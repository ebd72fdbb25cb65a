import "server-only";
import { recordBlock } from "../db/blocks";
import { endFriendship } from "../db/friends";
import { insertReport, type NewReport } from "../db/reports";
import type { AppServices } from "../app-services";

/**
 * The Postgres half of a Block or Report (instructions/safety-and-operations.md "Safety actions
 * survive outages"). The write is held in the key-value store before the store-side effect (end
 * the session, exclude the pair) is applied, so once a user is told "blocked" the record cannot
 * be lost: the request tries it at once, and whatever did not land — Postgres down or slow, the
 * instance killed — is retried with backoff by the background loop and the cleanup cron on any
 * instance until it is recorded. Every write is idempotent (a report has its id from the start).
 */

export type SafetyWrite =
  | { kind: "block"; blocker: string; blocked: string; sessionId: string }
  | ({ kind: "report"; id: string } & Omit<NewReport, "id">);

interface PendingWrite {
  write: SafetyWrite;
  attempts: number;
  /** Not retried before this (ms): the request itself is still trying, or the last try failed. */
  nextAt: number;
}

const PENDING = "safety:pending";
/** What a Block or Report request waits for Postgres before it answers anyway (the write stays held). */
export const INLINE_BUDGET_MS = 1_500;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;
const SETTLE_BATCH = 100;

const fieldOf = (w: SafetyWrite) =>
  w.kind === "block" ? `block:${w.blocker}:${w.sessionId}` : `report:${w.reporter}:${w.sessionId}`;

/** Whether this user's report of this session is already waiting to be recorded. */
export async function isReportPending(deps: AppServices, reporter: string, sessionId: string): Promise<boolean> {
  return (await deps.kv.hget(PENDING, `report:${reporter}:${sessionId}`)) !== null;
}

/** Keeps the write where every instance can finish it. Throws when the store is down: then nothing was applied. */
export async function holdSafetyWrite(deps: AppServices, write: SafetyWrite): Promise<void> {
  const pending: PendingWrite = { write, attempts: 0, nextAt: deps.now() + INLINE_BUDGET_MS + FIRST_RETRY_MS };
  await deps.kv.hset(PENDING, fieldOf(write), JSON.stringify(pending));
}

export type PersistOutcome = "recorded" | "duplicate" | "pending";

/**
 * Tries the held write now, waiting at most `INLINE_BUDGET_MS`: "duplicate" for a report this
 * user had already filed, "pending" when Postgres failed or is slow (the retry loop finishes it).
 */
export async function persistHeldWrite(deps: AppServices, write: SafetyWrite): Promise<PersistOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), INLINE_BUDGET_MS);
    timer.unref();
  });
  const attempt = persist(deps, write).catch((err) => {
    deps.log.warn({ err, write: describe(write) }, "safety write not recorded yet; it will be retried");
    return "pending" as const;
  });
  try {
    return await Promise.race([attempt, budget]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries held writes that are due; run by the background loop (one instance at a time) and the cleanup cron. */
export async function settlePendingSafetyWrites(deps: AppServices): Promise<{ recorded: number; pending: number }> {
  const held = await deps.kv.hgetall(PENDING);
  const now = deps.now();
  let recorded = 0;
  let tried = 0;
  for (const [field, raw] of Object.entries(held)) {
    const pending = JSON.parse(raw) as PendingWrite;
    if (pending.nextAt > now || tried >= SETTLE_BATCH) continue;
    tried++;
    try {
      await persist(deps, pending.write);
      recorded++;
    } catch (err) {
      const attempts = pending.attempts + 1;
      const delay = Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempts, 10), MAX_RETRY_MS);
      deps.log.warn({ err, write: describe(pending.write), attempts }, "safety write still not recorded");
      await deps.kv.hset(PENDING, field, JSON.stringify({ ...pending, attempts, nextAt: now + delay }));
    }
  }
  return { recorded, pending: Object.keys(held).length - recorded };
}

/** The Postgres writes, then the held copy is released. */
async function persist(deps: AppServices, write: SafetyWrite): Promise<"recorded" | "duplicate"> {
  let outcome: "recorded" | "duplicate" = "recorded";
  if (write.kind === "report") {
    const { kind: _kind, ...report } = write;
    // The (reporter, session) unique index decides a second report, whichever instance inserts.
    if (!(await insertReport(deps.db, report))) outcome = "duplicate";
    await recordBlock(deps.db, {
      blocker: write.reporter,
      blocked: write.reported,
      source: "report",
      sessionId: write.sessionId,
    });
    await endFriendship(deps.db, write.reporter, write.reported);
  } else {
    await recordBlock(deps.db, { blocker: write.blocker, blocked: write.blocked, source: "block", sessionId: write.sessionId });
    await endFriendship(deps.db, write.blocker, write.blocked);
  }
  await deps.kv.hdel(PENDING, fieldOf(write));
  return outcome;
}

/** For logs: who and what, never the chat lines or the details. */
function describe(write: SafetyWrite) {
  return { kind: write.kind, sessionId: write.sessionId };
}

import "server-only";
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import type { EndReason, Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import { createGroupCommit, type GroupCommit, type GroupCommitOptions } from "./group-commit";
import { functionName, MATCH_FUNCTIONS, MATCH_LIBRARY, type MatchFunction } from "./lua/library";
import { activateFunction } from "./protocol/activate";
import { revealFunction } from "./protocol/reveal";
import { batchFunction, decodeEndReply, decodeEnqueueReply, endOp, enqueueOp, type BatchOp } from "./protocol/batch";
import { cancelFunction } from "./protocol/cancel";
import { commitFunction, type CommitResult, type PairToCommit } from "./protocol/commit";
import { expireUserFunction } from "./protocol/expire-user";
import { functionHeader, type FunctionProtocol } from "./protocol/header";
import { primeFunction, type PrimeData } from "./protocol/prime";
import { skipFunction } from "./protocol/skip";
import { startPairFunction } from "./protocol/start-pair";
import { windowFunction } from "./protocol/window";
import {
  decodeCooldown,
  decodeTicket,
  encodeRequest,
  endedSessionFrom,
  pairKey,
  sessionFields,
  sessionFrom,
  type WindowEntry,
} from "./redis-codec";
import { newSessionId, WAIT_SAMPLES } from "./rules";
import { normalizeInterests, pairUp, rankPartners } from "./select";
import type { Standing } from "./standing";
import { createWindowSnapshot, type WindowRead, type WindowSnapshot } from "./window-snapshot";
import type {
  EndedSession,
  EnqueueOutcome,
  ExpiryResult,
  LiveSession,
  MatchConfig,
  MatchStore,
  Preferences,
  Profile,
  QueueStats,
  SkipOptions,
  SkipOutcome,
  UserState,
} from "./types";

export type { CommitResult, PairToCommit } from "./protocol/commit";

/**
 * Redis driver: live state shared by every app instance. All keys live under `mm:{<ns>}:`, one
 * Cluster slot per namespace. Every state change is one atomic call of the Lua function library
 * (lua/library.ts; each function's arguments and reply in protocol/). Enqueue ranks the
 * candidates of a per-process window snapshot in Node (window-snapshot.ts, select.ts) and hands
 * the best few to the function, which re-validates them against the live tickets, considers
 * arrivals the snapshot has not seen when none fits, and commits in the same atomic step. The
 * enqueues and ends asked for while a call is out share the next `batch` call (group-commit.ts).
 * Sweep selects in Node and commits each pair with the re-validating, replay-safe `commit`
 * function, all of a sweep's pairs in one call. See instructions/matching.md.
 */

export interface RedisMatchStoreOptions {
  redis: Redis | Cluster;
  config: MatchConfig;
  /** Default "q". Tests and benchmarks use their own. */
  namespace?: string;
  /** Dedupe concurrent sweeps across instances with a per-second SET NX lock (default true). */
  sweepLock?: boolean;
  /** How long concurrent enqueues may share one read of the candidate window (default 5 ms). */
  windowMaxAgeMs?: number;
  /** Batching of enqueues and ends (group-commit.ts defaults). */
  groupCommit?: GroupCommitOptions;
}

/** Candidates an enqueue hands to the function, best first: enough to survive a few stale ones. */
const RANKED_CANDIDATES = 6;

/** Times the sweep may redo its pairing without the barred pairs it proposed. */
const SWEEP_ROUNDS = 6;

/** Stale presence entries handled per round of `expire`, and rounds per call (bounded work). */
const EXPIRE_BATCH = 500;
const EXPIRE_ROUNDS = 50;

/** What the enqueue path has seen, for benchmarks and metrics. */
export interface EnqueueCounters {
  /** Ranked candidates the function found gone or changed (taken by a concurrent call). */
  conflicts: number;
  /** Matches made with other than the first ranked candidate. */
  retries: number;
  /** Window reads. */
  windowReads: number;
}

export type RedisMatchStore = MatchStore & {
  /** One pair commit (for tests/tools): see lua/commit.lua. */
  commitPair(a: string, versionA: string, b: string, versionB: string, sessionId: string, now: number): Promise<CommitResult>;
  readonly prefix: string;
  /** Running totals of the enqueue path (benchmarks, metrics). */
  readonly counters: Readonly<EnqueueCounters>;
};

/** What one store's operations share: its connection, config, key names, function calls and window copy. */
interface RedisStore {
  redis: Redis | Cluster;
  config: MatchConfig;
  prefix: string;
  sweepLock: boolean;
  invoke<A extends unknown[], R>(fn: FunctionProtocol<A, R>, now: number, ...args: A): Promise<R>;
  batch: GroupCommit<BatchOp, unknown>;
  snapshot: WindowSnapshot;
  counters: EnqueueCounters;
}

export function createRedisMatchStore(options: RedisMatchStoreOptions): RedisMatchStore {
  const { redis, config } = options;
  const functions = functionsOn(redis);
  const prefix = keyPrefix(options.namespace ?? "q");
  const invoke = async <A extends unknown[], R>(fn: FunctionProtocol<A, R>, now: number, ...args: A): Promise<R> =>
    fn.decode(await functions[fn.name](prefix, ...functionHeader(config, now), ...fn.args(...args)));
  const counters: EnqueueCounters = { conflicts: 0, retries: 0, windowReads: 0 };
  const store: RedisStore = {
    redis,
    config,
    prefix,
    sweepLock: options.sweepLock !== false,
    invoke,
    batch: createGroupCommit<BatchOp, unknown>((ops, now) => invoke(batchFunction, now, ops), options.groupCommit),
    counters,
    snapshot: createWindowSnapshot(
      () => readWindow({ invoke, counters }, Date.now()),
      config.window,
      options.windowMaxAgeMs ?? 5,
    ),
  };

  return {
    prefix,
    counters: store.counters,
    commitPair: async (a, versionA, b, versionB, sessionId, now) =>
      (await commitPairs(store, [{ a, versionA, b, versionB, sessionId }], now))[0]!,
    enqueue: (userId, prefs, profile, now, standing) => enqueue(store, userId, prefs, profile, now, standing),
    startPair: async (a, b, sessionId, now) => {
      const outcome = await store.invoke(startPairFunction, now, a, b, sessionId);
      store.snapshot.remove([a.userId, b.userId]);
      return outcome;
    },
    cancel: (userId) => cancel(store, userId),
    sweep: (now) => sweep(store, now),
    skip: (userId, now, options) => skip(store, userId, now, options),
    endSession: (sessionId, reason, endedBy, now) => endSession(store, sessionId, reason, endedBy, now),
    activate: (sessionId, now) => store.invoke(activateFunction, now, sessionId),
    reveal: (sessionId, userId, now) => store.invoke(revealFunction, now, sessionId, userId),
    getState: (userId, now) => getState(store, userId, now),
    getSession: (sessionId) => getSession(store, sessionId),
    listLiveSessions: () => listLiveSessions(store),
    listWaiting: (limit) => listWaiting(store, limit),
    touch: async (userId, now) => void (await redis.zadd(key(store, "pres"), "GT", now, userId)),
    lastSeen: async (userIds) => {
      if (userIds.length === 0) return new Map();
      const scores = await redis.zmscore(key(store, "pres"), ...userIds);
      return new Map(userIds.flatMap((id, i) => (scores[i] == null ? [] : [[id, Number(scores[i])]])));
    },
    expire: (now) => expire(store, now),
    exclude: async (a, b) => void (await redis.zadd(key(store, "bar"), "+inf", pairKey(a, b))),
    prime: (userId, data) => prime(store, userId, data),
    isPrimed: async (userId) => (await redis.exists(key(store, `pr:${userId}`))) === 1,
    stats: () => stats(store),
    unannounced: (before, limit) => unannounced(store, before, limit),
    markAnnounced: async (kind, sessionId) =>
      void (await redis.zrem(key(store, kind === "start" ? "ann:s" : "ann:e"), sessionId)),
    // The client was passed in: its owner closes it.
    close: async () => {},
  };
}

export function keyPrefix(namespace: string): string {
  return `mm:{${namespace}}:`;
}

const key = (store: RedisStore, name: string) => store.prefix + name;

// ---------------------------------------------------------------- operations

async function enqueue(
  store: RedisStore,
  userId: string,
  prefs: Preferences,
  profile: Profile,
  now: number,
  standing: Standing = "regular",
): Promise<EnqueueOutcome> {
  const { snapshot, counters } = store;
  const clean = { ...prefs, interests: normalizeInterests(prefs.interests) };
  const view = await snapshot.view();
  // a waiting user keeps their place, so their relaxation counts from their first enqueue
  const seeker = { userId, prefs: clean, standing, since: view.entry(userId)?.since ?? now, seq: 0 };
  const ranked = rankPartners(seeker, view.candidates, now, store.config, RANKED_CANDIDATES, (c) => snapshot.isClaimed(c.userId));
  const first = ranked[0]?.partner.userId;
  if (first) snapshot.claim(first);
  let reply: unknown;
  try {
    const op = enqueueOp({
      userId,
      request: encodeRequest(clean, profile, standing),
      sessionId: newSessionId(),
      unseenAfter: view.newestScore,
      ranked: ranked.map((r) => ({ userId: r.partner.userId, version: r.partner.version })),
    });
    reply = await store.batch.run(op, now);
  } finally {
    if (first) snapshot.release(first);
  }
  const { outcome, stale, ticket } = decodeEnqueueReply(reply);
  if (stale.length) {
    counters.conflicts += stale.length;
    snapshot.remove(stale);
  }
  if (outcome.kind === "matched") {
    const { a, b } = outcome.session;
    snapshot.remove([a.userId, b.userId]);
    if (outcome.created && first !== (a.userId === userId ? b.userId : a.userId)) counters.retries++;
  } else if (ticket) {
    snapshot.upsert({ userId, prefs: clean, standing, ...ticket });
  }
  return outcome;
}

async function cancel(store: RedisStore, userId: string): Promise<boolean> {
  const removed = await store.invoke(cancelFunction, Date.now(), userId);
  store.snapshot.remove([userId]);
  return removed;
}

async function skip(store: RedisStore, userId: string, now: number, options: SkipOptions = {}): Promise<SkipOutcome> {
  const outcome = await store.invoke(skipFunction, now, userId, newSessionId(), options.requeue !== false);
  store.snapshot.invalidate(); // a re-queue or a match the snapshot cannot see
  return outcome;
}

async function endSession(
  store: RedisStore,
  sessionId: string,
  reason: EndReason,
  endedBy: string | null,
  now: number,
): Promise<EndedSession | null> {
  return decodeEndReply(await store.batch.run(endOp(sessionId, reason, endedBy), now));
}

async function prime(store: RedisStore, userId: string, data: PrimeData): Promise<boolean> {
  return store.invoke(primeFunction, Date.now(), userId, data);
}

async function readWindow(store: Pick<RedisStore, "invoke" | "counters">, now: number): Promise<WindowRead> {
  store.counters.windowReads++;
  return store.invoke(windowFunction, now);
}

/** The pair commits (lua/commit.lua), in order, in one call; one result per pair. */
async function commitPairs(store: RedisStore, pairs: PairToCommit[], now: number): Promise<CommitResult[]> {
  if (pairs.length === 0) return [];
  return store.invoke(commitFunction, now, pairs);
}

async function sweep(store: RedisStore, now: number): Promise<LiveSession[]> {
  if (store.sweepLock) {
    const got = await store.redis.set(key(store, `sweep:${Math.floor(now / 1000)}`), "1", "PX", 5000, "NX");
    if (got === null) return [];
  }
  const { entries } = await readWindow(store, now);
  if (entries.length < 2) return [];
  const pairs = await sweepPairs(store, entries, now);
  const results = await commitPairs(
    store,
    pairs.map(({ seeker, pick }) => ({
      a: seeker.userId,
      versionA: seeker.version,
      b: pick.partner.userId,
      versionB: pick.partner.version,
      sessionId: newSessionId(),
    })),
    now,
  );
  const created = results.flatMap((r) => (r.kind === "created" ? [r.session] : []));
  store.snapshot.remove(created.flatMap((c) => [c.a.userId, c.b.userId]));
  return created;
}

/**
 * The sweep's pairing: `pairUp` in Node over the window, with the barred pairs (excluded or met
 * recently) looked up only for the pairs it proposes and the pairing redone without them: a
 * few rounds, each one ZMSCORE of the proposed pairs not looked up yet, instead of every pair
 * of the window (20,000 for a full one). Only pairs found clear are returned: when the rounds
 * run out, the last pairing's unchecked pairs wait for the next sweep instead of costing a
 * commit each that the commit function would refuse (most of them, in a queue of picky users).
 */
async function sweepPairs(store: RedisStore, entries: WindowEntry[], now: number) {
  const { config } = store;
  const barred = new Set<string>();
  const clear = new Set<string>();
  const isBarred = (a: string, b: string) => barred.has(pairKey(a, b));
  const keyOf = ({ seeker, pick }: { seeker: WindowEntry; pick: { partner: WindowEntry } }) =>
    pairKey(seeker.userId, pick.partner.userId);
  let pairs = pairUp(entries, now, config, isBarred);
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    const unknown = pairs.map(keyOf).filter((k) => !clear.has(k));
    if (unknown.length === 0) break;
    const at = await store.redis.zmscore(key(store, "bar"), ...unknown);
    let found = false;
    unknown.forEach((k, i) => {
      if (isBarredAt(at[i], now, config.rematchWindowMs)) {
        barred.add(k);
        found = true;
      } else clear.add(k);
    });
    if (!found) break;
    pairs = pairUp(entries, now, config, isBarred);
  }
  return pairs.filter((p) => clear.has(keyOf(p)));
}

async function expire(store: RedisStore, now: number): Promise<ExpiryResult> {
  const { redis, config } = store;
  const cutoff = now - config.presenceTimeoutMs;
  const result: ExpiryResult = { droppedTickets: [], timedOut: [] };
  // bounded batches; each user is re-checked atomically in the function
  for (let round = 0; round < EXPIRE_ROUNDS; round++) {
    const stale = await redis.zrangebyscore(key(store, "pres"), "-inf", cutoff, "LIMIT", 0, EXPIRE_BATCH);
    if (stale.length === 0) break;
    const replies = await Promise.all(stale.map((u) => store.invoke(expireUserFunction, now, u, cutoff)));
    stale.forEach((u, i) => {
      const { dropped, timedOut } = replies[i]!;
      if (dropped) result.droppedTickets.push(u);
      if (timedOut) result.timedOut.push(timedOut);
    });
    if (stale.length < EXPIRE_BATCH) break;
  }
  store.snapshot.remove(result.droppedTickets);
  // recent pairs older than the rematch window no longer matter (exclusions are +inf: kept)
  await redis.zremrangebyscore(key(store, "bar"), "-inf", now - config.rematchWindowMs);
  return result;
}

// ---------------------------------------------------------------- reads

async function getState(store: RedisStore, userId: string, now: number): Promise<UserState> {
  const { redis } = store;
  const [cur, cd, ticket, rank, waiting] = await valuesOf(
    redis
      .pipeline()
      .hget(key(store, "cur"), userId)
      .hget(key(store, "cd"), userId)
      .hget(key(store, "tix"), userId)
      .zrank(key(store, "q"), userId)
      .zcard(key(store, "q")),
  );
  const until = cd ? decodeCooldown(String(cd)).until : 0;
  const cooldownUntil = until > now ? until : null;
  if (cur) {
    const f = sessionFields(await redis.get(key(store, `s:${cur}`)));
    if (f && !f.e) return { status: "in_session", session: sessionFrom(f), cooldownUntil };
  }
  if (rank !== null && ticket) {
    const t = decodeTicket(String(ticket));
    return {
      status: "waiting",
      since: t.since,
      prefs: t.prefs,
      cooldownUntil,
      position: Number(rank) + 1,
      waiting: Number(waiting),
    };
  }
  return { status: "idle", cooldownUntil };
}

async function getSession(store: RedisStore, sessionId: string): Promise<LiveSession | null> {
  const f = sessionFields(await store.redis.get(key(store, `s:${sessionId}`)));
  return f && !f.e ? sessionFrom(f) : null;
}

async function listLiveSessions(store: RedisStore): Promise<LiveSession[]> {
  const out: LiveSession[] = [];
  for (const f of await sessionsById(store, await store.redis.zrange(key(store, "live"), 0, -1))) {
    if (f && !f.e) out.push(sessionFrom(f));
  }
  return out;
}

async function listWaiting(store: RedisStore, limit: number) {
  if (limit <= 0) return [];
  const [ids, waiting] = await valuesOf(
    store.redis
      .pipeline()
      .zrange(key(store, "q"), 0, limit - 1)
      .zcard(key(store, "q")),
  );
  return (ids as string[]).map((userId, i) => ({ userId, position: i + 1, waiting: Number(waiting) }));
}

async function stats(store: RedisStore): Promise<QueueStats> {
  const [waiting, moods, live, waits] = await valuesOf(
    store.redis
      .pipeline()
      .zcard(key(store, "q"))
      .hgetall(key(store, "moods"))
      .zcard(key(store, "live"))
      .lrange(key(store, "waits"), 0, WAIT_SAMPLES - 1),
  );
  const counts = (moods ?? {}) as Record<string, string>;
  const byMood = Object.fromEntries(MOODS.map((m, i) => [m, Math.max(0, Number(counts[String(i)] ?? 0))])) as Record<
    Mood,
    number
  >;
  const samples = (waits as string[]).map(Number);
  const avgWaitMs = samples.length ? Math.round(samples.reduce((s, w) => s + w, 0) / samples.length) : 0;
  return { waiting: Number(waiting), byMood, liveSessions: Number(live), avgWaitMs };
}

async function unannounced(store: RedisStore, before: number, limit: number) {
  const { redis } = store;
  const [startIds, endIds] = await Promise.all([
    redis.zrangebyscore(key(store, "ann:s"), "-inf", before, "LIMIT", 0, limit),
    redis.zrangebyscore(key(store, "ann:e"), "-inf", before, "LIMIT", 0, limit),
  ]);
  const read = async (ids: string[], kind: "s" | "e") => {
    const found: Record<string, string>[] = [];
    const gone: string[] = [];
    (await sessionsById(store, ids)).forEach((f, i) => {
      if (f) found.push(f);
      else gone.push(ids[i]!);
    });
    // The session's record expired before anyone announced it: nothing left to announce.
    if (gone.length) await redis.zrem(key(store, `ann:${kind}`), ...gone);
    return found;
  };
  const [starts, ends] = await Promise.all([read(startIds, "s"), read(endIds, "e")]);
  return { starts: starts.map(sessionFrom), ends: ends.filter((f) => f.e !== undefined).map(endedSessionFrom) };
}

/** The stored sessions' fields (null where none is stored), in one MGET. */
async function sessionsById(store: RedisStore, ids: string[]): Promise<(Record<string, string> | null)[]> {
  if (ids.length === 0) return [];
  return (await store.redis.mget(ids.map((id) => key(store, `s:${id}`)))).map(sessionFields);
}

/**
 * A pipeline's replies, or its first error thrown: `exec()` resolves even when commands failed
 * (e.g. timed out after a dropped connection), and reading a failed reply as "nothing there"
 * would report a user in a call as idle.
 */
async function valuesOf(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = await pipeline.exec();
  if (!replies) throw new Error("pipeline aborted");
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
  return replies.map(([, value]) => value);
}

// ---------------------------------------------------------------- the function library

type FunctionCall = (prefix: string, ...args: (string | number)[]) => Promise<unknown>;

/**
 * Callers of the library's functions (FCALL). The library is loaded on first need: a server that
 * restarted without it, or a new version of the app, loads it then and retries once. Loading once
 * instead of sending a script per call matters here: re-running the library's top level (dozens
 * of closures) cost ~20–40 µs of Redis CPU per call.
 */
function functionsOn(redis: Redis | Cluster): Record<MatchFunction, FunctionCall> {
  let loading: Promise<void> | null = null;
  const load = () => (loading ??= loadMatchLibrary(redis).finally(() => (loading = null)));
  const make =
    (name: MatchFunction): FunctionCall =>
    async (prefix, ...args) => {
      try {
        return await redis.fcall(functionName(name), 1, prefix, ...args);
      } catch (error) {
        if (!/function not found/i.test(String(error))) throw error;
        await load();
        return redis.fcall(functionName(name), 1, prefix, ...args);
      }
    };
  return Object.fromEntries(MATCH_FUNCTIONS.map((name) => [name, make(name)])) as Record<MatchFunction, FunctionCall>;
}

/** FUNCTION LOAD on every primary (one for a plain server). Already loaded is fine. */
export async function loadMatchLibrary(redis: Redis | Cluster): Promise<void> {
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes("master") : [redis as Redis];
  await Promise.all(
    nodes.map((node) =>
      node.function("LOAD", MATCH_LIBRARY).then(
        () => undefined,
        (error: unknown) => {
          if (/already exists/i.test(String(error))) return;
          if (/unknown command/i.test(String(error)))
            throw new Error(
              "The matching store needs Redis 7.0 or newer (Redis Functions): FUNCTION LOAD is unknown to this server.",
            );
          throw error;
        },
      ),
    ),
  );
}

/**
 * A `bar` score as ZMSCORE returns it → barred at `now`? Exclusions are stored as +inf, which
 * Redis writes as "inf" (Number("inf") is NaN, which once let the sweep propose excluded pairs).
 */
export function isBarredAt(score: string | null | undefined, now: number, rematchWindowMs: number): boolean {
  if (score == null) return false;
  if (score === "inf" || score === "+inf") return true;
  return now - Number(score) < rematchWindowMs;
}

/** Deletes every key of a namespace (tests, benchmarks). SCAN-based; never FLUSHDB. */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  const match = `${keyPrefix(namespace).replace(/[{}[\]*?]/g, (c) => `\\${c}`)}*`;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", match, "COUNT", 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

import "server-only";
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import type { Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import { functionName, MATCH_FUNCTIONS, MATCH_LIBRARY, type MatchFunction } from "./lua/library";
import { createGroupCommit, type GroupCommitOptions } from "./group-commit";
import { QUEUE_SCORE_SCALE, decodeTicket, pairKey, encodeRequest, endedSessionFrom, sessionFields, sessionFrom, windowEntryFrom, type WindowEntry } from "./redis-codec";
import { newSessionId, WAIT_SAMPLES } from "./rules";
import { normalizeInterests, pairUp, rankPartners } from "./select";
import { createWindowSnapshot, type WindowRead } from "./window-snapshot";
import type { EndedSession, EnqueueOutcome, ExpiryResult, LiveSession, MatchConfig, MatchStore, QueueStats, SkipOutcome, UserState } from "./types";

/**
 * Redis driver: live state shared by every app instance. All keys live under `mm:{<ns>}:`, one
 * Cluster slot per namespace. Every state change is one atomic call of the Lua function library
 * (lua/library.ts). Enqueue ranks the candidates of a per-process window snapshot in Node
 * (window-snapshot.ts, select.ts) and hands the best few to the function, which re-validates them
 * against the live tickets, considers arrivals the snapshot has not seen when none fits, and
 * commits in the same atomic step. The enqueues and ends asked for while a call is out share the
 * next `batch` call (group-commit.ts). Sweep selects in Node and commits each pair with the
 * re-validating, replay-safe `commit` function, all of a sweep's pairs in one call.
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

/** One operation of a `batch` call (see lua/batch.lua): an enqueue ("E") or an end ("X"). */
type BatchOp = (string | number)[];

/** What the enqueue path has seen, for benchmarks and metrics. */
export interface EnqueueCounters {
  /** Ranked candidates the function found gone or changed (taken by a concurrent call). */
  conflicts: number;
  /** Matches made with other than the first ranked candidate. */
  retries: number;
  /** Window reads. */
  windowReads: number;
}

type Reply = unknown[];
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
          if (/unknown command/i.test(String(error))) throw new Error("The matching store needs Redis 7.0 or newer (Redis Functions): FUNCTION LOAD is unknown to this server.");
          throw error;
        },
      ),
    ),
  );
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

/** ARGV[1..8] of every function: the clock and the config (lua/state.lua `begin`). */
export function functionHeader(config: MatchConfig, now: number): (string | number)[] {
  return [
    now,
    config.window,
    config.relaxMoodAfterMs,
    config.rematchWindowMs,
    config.cooldownResetAfterMs,
    config.skipFree,
    config.skipWindowMs,
    config.cooldownStepsMs.join(","),
  ];
}

export function keyPrefix(namespace: string): string {
  return `mm:{${namespace}}:`;
}

export function createRedisMatchStore(options: RedisMatchStoreOptions): MatchStore & {
  /** One pair commit (for tests/tools): see lua COMMIT. */
  commitPair(a: string, versionA: string, b: string, versionB: string, sessionId: string, now: number): Promise<CommitResult>;
  readonly prefix: string;
  /** Running totals of the enqueue path (benchmarks, metrics). */
  readonly counters: Readonly<EnqueueCounters>;
} {
  const { redis, config } = options;
  const prefix = keyPrefix(options.namespace ?? "q");
  const key = (name: string) => prefix + name;
  const functions = functionsOn(redis);
  const call = (name: MatchFunction, now: number, ...args: (string | number)[]) => functions[name](prefix, ...functionHeader(config, now), ...args);
  const counters: EnqueueCounters = { conflicts: 0, retries: 0, windowReads: 0 };
  const batch = createGroupCommit<BatchOp, unknown>(async (ops, now) => (await call("batch", now, ...ops.flat())) as unknown[], options.groupCommit);

  function enqueueOutcome(reply: Reply): EnqueueOutcome {
    switch (reply[0]) {
      case "cooldown":
        return { kind: "cooldown", until: Number(reply[1]) };
      case "matched":
        return { kind: "matched", session: sessionFrom(sessionFields(reply[3])!), created: reply[2] === "1" };
      default:
        return { kind: "waiting", position: Number(reply[1]), waiting: Number(reply[2]) };
    }
  }

  /** The pair commits (lua COMMIT), in order, in one call; one result per pair. */
  async function commitPairs(pairs: PairToCommit[], now: number): Promise<CommitResult[]> {
    if (pairs.length === 0) return [];
    const replies = (await call("commit", now, ...pairs.flatMap((p) => [p.a, p.versionA, p.b, p.versionB, p.sessionId]))) as Reply[];
    return replies.map((reply) => {
      if (reply[0] === "conflict") return { kind: "conflict", reason: String(reply[1]) };
      return { kind: reply[0] === "created" ? "created" : "exists", session: sessionFrom(sessionFields(reply[1])!) };
    });
  }
  const commitPair = async (a: string, versionA: string, b: string, versionB: string, sessionId: string, now: number) =>
    (await commitPairs([{ a, versionA, b, versionB, sessionId }], now))[0]!;

  async function readWindow(now: number): Promise<WindowRead> {
    counters.windowReads++;
    const reply = (await call("window", now)) as string[];
    const n = (reply.length - 1) / 2;
    const entries: WindowEntry[] = [];
    for (let i = 1; i <= n; i++) {
      const ticket = reply[i + n];
      if (ticket) entries.push(windowEntryFrom(reply[i]!, ticket));
    }
    return { newestScore: reply[0]!, entries };
  }
  const snapshot = createWindowSnapshot(() => readWindow(Date.now()), config.window, options.windowMaxAgeMs ?? 5);

  /** The stored sessions' fields (null where none is stored), in one MGET. */
  async function sessionsById(ids: string[]): Promise<(Record<string, string> | null)[]> {
    if (ids.length === 0) return [];
    return (await redis.mget(ids.map((id) => key(`s:${id}`)))).map(sessionFields);
  }

  /**
   * The sweep's pairing: `pairUp` in Node over the window, with the barred pairs (excluded or met
   * recently) looked up only for the pairs it proposes and the pairing redone without them: a
   * few rounds, each one ZMSCORE of the proposed pairs not looked up yet, instead of every pair
   * of the window (20,000 for a full one). Only pairs found clear are returned: when the rounds
   * run out, the last pairing's unchecked pairs wait for the next sweep instead of costing a
   * commit each that COMMIT would refuse (most of them, in a queue of picky users).
   */
  async function sweepPairs(entries: WindowEntry[], now: number) {
    const barred = new Set<string>();
    const clear = new Set<string>();
    const isBarred = (a: string, b: string) => barred.has(pairKey(a, b));
    const keyOf = ({ seeker, pick }: { seeker: WindowEntry; pick: { partner: WindowEntry } }) => pairKey(seeker.userId, pick.partner.userId);
    let pairs = pairUp(entries, now, config, isBarred);
    for (let round = 0; round < SWEEP_ROUNDS; round++) {
      const unknown = pairs.map(keyOf).filter((k) => !clear.has(k));
      if (unknown.length === 0) break;
      const at = await redis.zmscore(key("bar"), ...unknown);
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

  return {
    prefix,
    commitPair,

    async enqueue(userId, prefs, profile, now) {
      const clean = { ...prefs, interests: normalizeInterests(prefs.interests) };
      const request = encodeRequest(clean, profile);
      const view = await snapshot.view();
      // a waiting user keeps their place, so their relaxation counts from their first enqueue
      const seeker = { userId, prefs: clean, since: view.entry(userId)?.since ?? now, seq: 0 };
      const ranked = rankPartners(seeker, view.candidates, now, config, RANKED_CANDIDATES, (c) => snapshot.isClaimed(c.userId));
      const first = ranked[0]?.partner.userId;
      if (first) snapshot.claim(first);
      let reply: Reply;
      try {
        const listed = ranked.flatMap((r) => [r.partner.userId, r.partner.version]);
        reply = (await batch.run(["E", userId, request, newSessionId(), view.newestScore, ranked.length, ...listed], now)) as Reply;
      } finally {
        if (first) snapshot.release(first);
      }
      const outcome = enqueueOutcome(reply);
      const stale = (reply[0] === "matched" ? reply[4] : reply[5]) as string[] | undefined;
      if (stale?.length) {
        counters.conflicts += stale.length;
        snapshot.remove(stale);
      }
      if (outcome.kind === "matched") {
        snapshot.remove([outcome.session.a.userId, outcome.session.b.userId]);
        if (outcome.created && first !== (outcome.session.a.userId === userId ? outcome.session.b.userId : outcome.session.a.userId)) counters.retries++;
      } else if (outcome.kind === "waiting") {
        const version = String(reply[3]);
        snapshot.upsert({ userId, prefs: clean, version, since: Number(reply[4]), seq: Number(version) % QUEUE_SCORE_SCALE });
      }
      return outcome;
    },

    counters,

    async unannounced(before, limit) {
      const [startIds, endIds] = await Promise.all([
        redis.zrangebyscore(key("ann:s"), "-inf", before, "LIMIT", 0, limit),
        redis.zrangebyscore(key("ann:e"), "-inf", before, "LIMIT", 0, limit),
      ]);
      const read = async (ids: string[], kind: "s" | "e") => {
        const found: Record<string, string>[] = [];
        const gone: string[] = [];
        (await sessionsById(ids)).forEach((f, i) => {
          if (f) found.push(f);
          else gone.push(ids[i]!);
        });
        // The session's record expired before anyone announced it: nothing left to announce.
        if (gone.length) await redis.zrem(key(`ann:${kind}`), ...gone);
        return found;
      };
      const [starts, ends] = await Promise.all([read(startIds, "s"), read(endIds, "e")]);
      return { starts: starts.map(sessionFrom), ends: ends.filter((f) => f.e !== undefined).map(endedSessionFrom) };
    },

    async markAnnounced(kind, sessionId) {
      await redis.zrem(key(kind === "start" ? "ann:s" : "ann:e"), sessionId);
    },

    async cancel(userId) {
      const removed = Number(await call("cancel", Date.now(), userId)) === 1;
      snapshot.remove([userId]);
      return removed;
    },

    async sweep(now) {
      if (options.sweepLock !== false) {
        const got = await redis.set(key(`sweep:${Math.floor(now / 1000)}`), "1", "PX", 5000, "NX");
        if (got === null) return [];
      }
      const { entries } = await readWindow(now);
      if (entries.length < 2) return [];
      const pairs = await sweepPairs(entries, now);
      const results = await commitPairs(
        pairs.map(({ seeker, pick }) => ({ a: seeker.userId, versionA: seeker.version, b: pick.partner.userId, versionB: pick.partner.version, sessionId: newSessionId() })),
        now,
      );
      const created = results.flatMap((r) => (r.kind === "created" ? [r.session] : []));
      snapshot.remove(created.flatMap((c) => [c.a.userId, c.b.userId]));
      return created;
    },

    async skip(userId, now): Promise<SkipOutcome> {
      const reply = (await call("skip", now, userId, newSessionId())) as Reply;
      snapshot.invalidate(); // a re-queue or a match the snapshot cannot see
      if (reply[0] === "not_in_session") return { kind: "not_in_session" };
      const endedFields = sessionFields(reply[2]);
      if (reply[0] === "cooldown") {
        return { kind: "cooldown", until: Number(reply[1]), ended: endedFields ? endedSessionFrom(endedFields) : null };
      }
      return { kind: "skipped", ended: endedSessionFrom(sessionFields(reply[1])!), requeue: enqueueOutcome(reply[2] as Reply) };
    },

    async endSession(sessionId, reason, endedBy, now): Promise<EndedSession | null> {
      const f = sessionFields(await batch.run(["X", sessionId, reason, endedBy ?? ""], now));
      return f ? endedSessionFrom(f) : null;
    },

    async activate(sessionId, now) {
      const f = sessionFields(await call("activate", now, sessionId));
      return f ? sessionFrom(f) : null;
    },

    async getState(userId, now): Promise<UserState> {
      const [cur, cd, ticket, rank, waiting] = await valuesOf(
        redis.pipeline().hget(key("cur"), userId).hget(key("cd"), userId).hget(key("tix"), userId).zrank(key("q"), userId).zcard(key("q")),
      );
      const until = cd ? Number(String(cd).split(",")[1]) : 0;
      const cooldownUntil = until > now ? until : null;
      if (cur) {
        const f = sessionFields(await redis.get(key(`s:${cur}`)));
        if (f && !f.e) return { status: "in_session", session: sessionFrom(f), cooldownUntil };
      }
      if (rank !== null && ticket) {
        const t = decodeTicket(String(ticket));
        return { status: "waiting", since: t.since, prefs: t.prefs, cooldownUntil, position: Number(rank) + 1, waiting: Number(waiting) };
      }
      return { status: "idle", cooldownUntil };
    },

    async getSession(sessionId) {
      const f = sessionFields(await redis.get(key(`s:${sessionId}`)));
      return f && !f.e ? sessionFrom(f) : null;
    },

    async listLiveSessions() {
      const out: LiveSession[] = [];
      for (const f of await sessionsById(await redis.zrange(key("live"), 0, -1))) {
        if (f && !f.e) out.push(sessionFrom(f));
      }
      return out;
    },

    async listWaiting(limit) {
      if (limit <= 0) return [];
      const [ids, waiting] = await valuesOf(redis.pipeline().zrange(key("q"), 0, limit - 1).zcard(key("q")));
      return (ids as string[]).map((userId, i) => ({ userId, position: i + 1, waiting: Number(waiting) }));
    },

    async touch(userId, now) {
      await redis.zadd(key("pres"), "GT", now, userId);
    },

    async expire(now): Promise<ExpiryResult> {
      const cutoff = now - config.presenceTimeoutMs;
      const result: ExpiryResult = { droppedTickets: [], timedOut: [] };
      // bounded batches; each user is re-checked atomically in the function
      for (let round = 0; round < 50; round++) {
        const stale = await redis.zrangebyscore(key("pres"), "-inf", cutoff, "LIMIT", 0, 500);
        if (stale.length === 0) break;
        const replies = await Promise.all(stale.map((u) => call("expireUser", now, u, cutoff) as Promise<Reply>));
        stale.forEach((u, i) => {
          const [dropped, ended] = replies[i]!;
          if (Number(dropped) === 1) result.droppedTickets.push(u);
          const f = sessionFields(ended);
          if (f) result.timedOut.push(endedSessionFrom(f));
        });
        if (stale.length < 500) break;
      }
      snapshot.remove(result.droppedTickets);
      // recent pairs older than the rematch window no longer matter (exclusions are +inf: kept)
      await redis.zremrangebyscore(key("bar"), "-inf", now - config.rematchWindowMs);
      return result;
    },

    async exclude(a, b) {
      await redis.zadd(key("bar"), "+inf", pairKey(a, b));
    },

    async prime(userId, data) {
      const recent = data.recent.flatMap((r) => [r.userId, r.at]);
      const reply = await call("prime", Date.now(), userId, data.excluded.length, ...data.excluded, ...recent);
      return Number(reply) === 1;
    },

    async isPrimed(userId) {
      return (await redis.exists(key(`pr:${userId}`))) === 1;
    },

    async stats(): Promise<QueueStats> {
      const [waiting, moods, live, waits] = await valuesOf(
        redis.pipeline().zcard(key("q")).hgetall(key("moods")).zcard(key("live")).lrange(key("waits"), 0, WAIT_SAMPLES - 1),
      );
      const counts = (moods ?? {}) as Record<string, string>;
      const byMood = Object.fromEntries(MOODS.map((m, i) => [m, Math.max(0, Number(counts[String(i)] ?? 0))])) as Record<Mood, number>;
      const samples = (waits as string[]).map(Number);
      const avgWaitMs = samples.length ? Math.round(samples.reduce((s, w) => s + w, 0) / samples.length) : 0;
      return { waiting: Number(waiting), byMood, liveSessions: Number(live), avgWaitMs };
    },

    async close() {
      // The client was passed in: its owner closes it.
    },
  };
}

export interface PairToCommit {
  a: string;
  versionA: string;
  b: string;
  versionB: string;
  sessionId: string;
}

export type CommitResult =
  | { kind: "created" | "exists"; session: LiveSession }
  | { kind: "conflict"; reason: string };

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

/**
 * Matcher benchmark: drives the Redis match store directly (no HTTP) against a real Redis.
 *   npm run bench:matcher            (REDIS_URL or redis://127.0.0.1:6379)
 * Runs 1 and then 2 worker processes on one fresh namespace each. Every worker owns a pool of
 * users who enqueue with random moods/modes/interests (Date.now() as the clock); each match is
 * ended at once and both users go back to the pool of the process that made the match (the
 * other one had let go of its user when it enqueued them). The queue therefore stays long (most users wait) and every enqueue scans a full
 * window of 200. Afterwards the store's state and the log of created pairs are checked.
 */
import { fork, type ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Redis from "ioredis";
import { MOODS } from "@/lib/schemas";
import { matchConfig } from "@/server/matching/config";
import { checkRedisInvariants } from "@/server/matching/invariants";
import { createRedisMatchStore, deleteNamespace } from "@/server/matching/redis-store";
import { COMMAND_OPTIONS, failUnansweredOnClose } from "@/server/redis";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const WINDOW = 200;
const USERS_PER_WORKER = 2000;
const LANES = Number(process.env.BENCH_LANES ?? 8);
/** Per-run cap; by default long enough for the 2-process run to reach its 110,000 matches here. */
const timeLimitMs = (processes: number) => Number(process.env.BENCH_SECONDS ?? (processes === 1 ? 20 : 80)) * 1000;
const INTERESTS = Array.from({ length: 40 }, (_, i) => `topic${i}`);
const config = matchConfig({ window: WINDOW });

interface WorkerArgs {
  index: number;
  workers: number;
  namespace: string;
  targetMatches: number;
  timeLimitMs: number;
}
interface WorkerReport {
  matches: number;
  sweepMatches: number;
  enqueues: number;
  commitLatenciesMs: number[];
  pairs: string[];
  elapsedMs: number;
  errors: number;
  conflicts: number;
  retries: number;
  windowReads: number;
  /** CPU time this worker used (user + system), µs. */
  cpuUsec: number;
}
type ToWorker = { stop: true };
type FromWorker = { report: WorkerReport } | { ready: true };

const userId = (worker: number, i: number) => `w${worker}u${i}`;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;

// ---------------------------------------------------------------- worker

async function worker(args: WorkerArgs) {
  // the app's command connection settings (src/server/redis.ts), so the figures are the app's
  const redis = new Redis(REDIS_URL, COMMAND_OPTIONS);
  failUnansweredOnClose(redis);
  const maxInFlight = process.env.BENCH_IN_FLIGHT ? Number(process.env.BENCH_IN_FLIGHT) : undefined;
  const store = createRedisMatchStore({
    redis,
    config,
    namespace: args.namespace,
    groupCommit: { maxInFlight },
    windowMaxAgeMs: process.env.BENCH_WINDOW_AGE_MS ? Number(process.env.BENCH_WINDOW_AGE_MS) : undefined,
  });
  const idle: string[] = Array.from({ length: USERS_PER_WORKER }, (_, i) => userId(args.index, i));
  const report: WorkerReport = {
    matches: 0,
    sweepMatches: 0,
    enqueues: 0,
    commitLatenciesMs: [],
    pairs: [],
    elapsedMs: 0,
    errors: 0,
    conflicts: 0,
    retries: 0,
    windowReads: 0,
    cpuUsec: 0,
  };
  let stopped = false;
  // A matched user goes back to the pool of the process that learned of the match: the process
  // that enqueued them forgot them then, so each user is in exactly one place, and no message
  // between processes (which cost the machine as much CPU as a store call) is needed.
  const free = (u: string) => idle.push(u);
  process.on("message", () => {
    stopped = true;
  });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const done = () => stopped || report.matches >= args.targetMatches || performance.now() - started > args.timeLimitMs;

  let sweeping: Promise<void> = Promise.resolve();
  const sweeper = setInterval(() => {
    sweeping = store.sweep(Date.now()).then(async (sessions) => {
      for (const s of sessions) {
        report.sweepMatches++;
        report.matches++;
        report.pairs.push(`${s.a.userId}|${s.b.userId}`);
        await store.endSession(s.id, "end", null, Date.now());
        free(s.a.userId);
        free(s.b.userId);
      }
    });
  }, 1000);

  async function lane() {
    while (!done()) {
      const user = idle.pop();
      if (!user) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      const prefs = {
        mood: pick(MOODS),
        mode: Math.random() < 0.7 ? ("same_mood" as const) : ("any" as const),
        interests: Array.from({ length: Math.floor(Math.random() * 4) }, () => pick(INTERESTS)),
      };
      try {
        const t0 = performance.now();
        const out = await store.enqueue(user, prefs, { nickname: user, avatar: null }, Date.now());
        const ms = performance.now() - t0;
        report.enqueues++;
        if (out.kind === "matched" && out.created) {
          report.matches++;
          report.commitLatenciesMs.push(ms);
          const s = out.session;
          report.pairs.push(`${s.a.userId}|${s.b.userId}`);
          await store.endSession(s.id, "end", user, Date.now());
          free(s.a.userId);
          free(s.b.userId);
        }
      } catch {
        report.errors++;
        idle.push(user);
      }
    }
  }
  await Promise.all(Array.from({ length: LANES }, lane));
  report.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  report.cpuUsec = cpu.user + cpu.system;
  clearInterval(sweeper);
  await sweeping; // a sweep still in flight must not hit a closed connection
  Object.assign(report, store.counters);
  await redis.quit();
  process.send!({ report } satisfies FromWorker, () => process.disconnect()); // exit cleanly (profiles are written at exit)
}

// ---------------------------------------------------------------- parent

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function scriptStats(redis: Redis) {
  const info = await redis.info("commandstats");
  const m = /cmdstat_fcall:calls=(\d+),usec=(\d+)/.exec(info);
  // the server's own CPU time (commandstats usec is wall time, which includes being descheduled)
  const cpu = await redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  return {
    calls: Number(m?.[1] ?? 0),
    usec: Number(m?.[2] ?? 0),
    cpuUsec: (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6,
  };
}

async function run(processes: number, targetMatches: number) {
  const redis = new Redis(REDIS_URL);
  const namespace = `bench${Date.now().toString(36)}p${processes}`;
  const store = createRedisMatchStore({ redis, config, namespace });
  // some blocks that must never be matched
  const excluded = new Set<string>();
  for (let w = 0; w < processes; w++) {
    for (let i = 0; i < 200; i++) {
      const a = userId(w, i);
      const b = userId((w + 1) % processes, (i * 7 + 3) % USERS_PER_WORKER);
      if (a === b) continue;
      await store.exclude(a, b);
      excluded.add([a, b].sort().join("|"));
    }
  }
  const loadBefore = loadavg()[0]!;
  const before = await scriptStats(redis);
  const children: ChildProcess[] = [];
  const reports: WorkerReport[] = [];
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    for (let index = 0; index < processes; index++) {
      const args: WorkerArgs = {
        index,
        workers: processes,
        namespace,
        targetMatches: Math.ceil(targetMatches / processes),
        timeLimitMs: timeLimitMs(processes),
      };
      const child = fork(fileURLToPath(import.meta.url), ["worker", JSON.stringify(args)], {
        execArgv: [
          "--import",
          "tsx",
          "--conditions=react-server",
          ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ],
      });
      child.on("message", (m: FromWorker) => {
        if ("report" in m) {
          reports.push(m.report);
          // once one worker is done, stop the others so the measured window stays common
          // (a worker that has just finished may disconnect while this is sent: nothing to stop then)
          for (const c of children) if (c !== child && c.connected) c.send({ stop: true } satisfies ToWorker, () => undefined);
          if (reports.length === processes) resolve();
        }
      });
      child.on("exit", (code) => code !== 0 && reject(new Error(`worker ${index} exited ${code}`)));
      children.push(child);
    }
  });
  const wallMs = performance.now() - started;
  const after = await scriptStats(redis);

  const latencies = reports.flatMap((r) => r.commitLatenciesMs).sort((a, b) => a - b);
  const matches = reports.reduce((s, r) => s + r.matches, 0);
  const elapsed = Math.max(...reports.map((r) => r.elapsedMs));
  const violationsList = await checkRedisInvariants(redis, namespace);
  const seen = new Set<string>();
  for (const r of reports) {
    for (const pair of r.pairs) {
      const [a, b] = pair.split("|");
      const key = [a, b].sort().join("|");
      if (a === b) violationsList.push(`self match ${a}`);
      if (excluded.has(key)) violationsList.push(`excluded pair ${key}`);
      if (seen.has(key)) violationsList.push(`pair twice within the rematch window ${key}`);
      seen.add(key);
    }
  }
  const scriptCalls = after.calls - before.calls;
  const result = {
    processes,
    window: WINDOW,
    lanesPerProcess: LANES,
    usersPerProcess: USERS_PER_WORKER,
    matches,
    sweepMatches: reports.reduce((s, r) => s + r.sweepMatches, 0),
    enqueues: reports.reduce((s, r) => s + r.enqueues, 0),
    elapsedMs: Math.round(elapsed),
    wallMs: Math.round(wallMs),
    matchesPerSecond: Math.round(matches / (elapsed / 1000)),
    commitP50Ms: Number(percentile(latencies, 50).toFixed(3)),
    commitP99Ms: Number(percentile(latencies, 99).toFixed(3)),
    serverUsecPerScript: scriptCalls ? Number(((after.usec - before.usec) / scriptCalls).toFixed(1)) : 0,
    scriptsPerMatch: matches ? Number((scriptCalls / matches).toFixed(2)) : 0,
    // CPU per match: the Redis server (all its work, other clients included) and the workers
    redisCpuUsecPerMatch: matches ? Math.round((after.cpuUsec - before.cpuUsec) / matches) : 0,
    clientCpuUsecPerMatch: matches ? Math.round(reports.reduce((s, r) => s + r.cpuUsec, 0) / matches) : 0,
    // ranked candidates found taken by a concurrent call / matches made with a later choice
    conflicts: reports.reduce((s, r) => s + r.conflicts, 0),
    retries: reports.reduce((s, r) => s + r.retries, 0),
    windowReads: reports.reduce((s, r) => s + r.windowReads, 0),
    errors: reports.reduce((s, r) => s + r.errors, 0),
    violations: violationsList.length,
    violationSamples: violationsList.slice(0, 5),
    queueAtEnd: await redis.zcard(`mm:{${namespace}}:q`),
    // other work on the same machine/Redis skews every figure: record it
    cpuCores: cpus().length,
    loadAverage1mBefore: Number(loadBefore.toFixed(2)),
    loadAverage1mAfter: Number(loadavg()[0]!.toFixed(2)),
  };
  await deleteNamespace(redis, namespace);
  await redis.quit();
  return result;
}

async function main() {
  if (process.argv[2] === "worker") return worker(JSON.parse(process.argv[3]!) as WorkerArgs);
  const runs = [];
  const only = process.env.BENCH_PROCESSES ? Number(process.env.BENCH_PROCESSES) : null;
  for (const [processes, target] of [
    [1, 50_000],
    [2, 110_000],
  ] as const) {
    if (only !== null && processes !== only) continue;
    const r = await run(processes, target);
    console.log(
      `${processes} process(es): ${r.matches} matches in ${r.elapsedMs} ms → ${r.matchesPerSecond}/s; commit p50 ${r.commitP50Ms} ms, p99 ${r.commitP99Ms} ms (client side); ` +
        `${r.serverUsecPerScript} µs per script in Redis (${r.scriptsPerMatch} per match); CPU per match: Redis ${r.redisCpuUsecPerMatch} µs, clients ${r.clientCpuUsecPerMatch} µs; conflicts ${r.conflicts}, retries ${r.retries}, errors ${r.errors}; violations ${r.violations}`,
    );
    runs.push(r);
  }
  const final = runs[runs.length - 1]!;
  const out = { date: new Date().toISOString(), redisUrl: REDIS_URL.replace(/\/\/.*@/, "//***@"), runs };
  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}matcher-${out.date.replace(/[:.]/g, "-")}.json`, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`RESULT ${JSON.stringify({ ...final, runs: runs.map(({ violationSamples: _, ...r }) => r) })}`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});

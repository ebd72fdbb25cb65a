/**
 * Whole-app benchmark over real HTTP and SSE:  npm run bench
 *
 * Two production instances (`next start`) on one Redis and a fresh Postgres database, plus the
 * LiveKit RoomService double. Phases, all in one run so the figures are comparable:
 *   1. memory: RSS per idle event stream at 1,000 and 5,000 streams, and the same for a bare
 *      Next.js SSE route (built in a temp dir) and a bare Node `http` SSE server;
 *   2. no-op: GET /api/health, closed loop at BENCH_CONCURRENCY;
 *   3. peak: simulated users enqueue (closed loop, same concurrency) and end at once;
 *   4. paced: half the peak match rate (open loop) with BENCH_OPEN_STREAMS streams open; users
 *      chat, then skip / end / block / report;
 *   5. wind-down: every user re-reads /status (lost tickets/notifications), ends, and the
 *      invariants are checked over the history, Postgres and Redis.
 * Writes bench/results/<ISO date>.json; the last stdout line is `RESULT {json}`.
 */
import { matchingCapacity } from "./lib/capacity";
import { benchConfig } from "./lib/config";
import { ensureBuilt } from "./lib/build";
import { now } from "./lib/history";
import { startBareNext } from "./lib/bare-next";
import { checkRun } from "./lib/invariants";
import {
  appHeapUsed,
  measureIdleStreams,
  mintSessionCookie,
  openIdleStream,
  openMany,
  startBareSseServer,
  type IdleStream,
} from "./lib/memory";
import { matchesPerSecond, matchLatency, requestRates, waitReport, type PhaseWindow } from "./lib/metrics";
import { readRecords } from "./lib/records";
import { conditions, cpuMeter, log, pidsMatching, writeResult } from "./lib/report";
import { AUTH_SECRET, METRICS_TOKEN, signInUsers, startStack, warmSubscribers } from "./lib/stack";
import { closedLoopHttp } from "./lib/stats";
import { PACED_BEHAVIOR, PEAK_BEHAVIOR, prefsFor, World } from "./lib/world";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const cfg = benchConfig();
  const before = conditions();
  log(`conditions: ${JSON.stringify(before)}`);
  await ensureBuilt(log);
  const stack = await startStack({
    redisUrl: cfg.redisUrl,
    pgAsyncCommit: cfg.pgAsyncCommit,
    nodeArgs: cfg.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cfg.cpuProfileDir}`] : [],
  });
  const urls = stack.apps.map((a) => a.url);
  await warmSubscribers(urls);
  log(`instances: ${urls.join(", ")}; namespace ${stack.namespace}; database ${stack.db.name}`);
  const idle: IdleStream[] = [];
  try {
    // ---------------------------------------------------------------- 1. memory per idle stream
    const cookieFor = (i: number) => mintSessionCookie(AUTH_SECRET, `idle${i}`);
    const appPid = stack.apps[0]!.child.pid!;
    log(`memory: idle streams ${cfg.memoryStreams.join(", ")} on instance 1 (pid ${appPid})`);
    const appMemory = await measureIdleStreams(
      appPid,
      cfg.memoryStreams,
      async (i) => openIdleStream(urls[0]!, "/api/matching/events", await cookieFor(i)),
      {
        heap: () => appHeapUsed(urls[0]!, METRICS_TOKEN),
        creepSeconds: 10,
      },
    );
    const bareNext = await startBareNext(stack.ports[0]! + 50);
    const bareNextMemory = await measureIdleStreams(
      bareNext.child.pid!,
      cfg.memoryStreams,
      (i) => openIdleStream(bareNext.url, `/api/stream?${i}`, null),
      {
        creepSeconds: 10,
      },
    );
    await bareNext.stop();
    const bare = await startBareSseServer();
    const bareMemory = await measureIdleStreams(bare.pid, cfg.memoryStreams, (i) => openIdleStream(bare.url, `/?${i}`, null), {
      creepSeconds: 10,
    });
    bare.stop();
    const memory = appMemory.map((p, i) => ({
      streams: p.streams,
      bareNextBytesPerConnection: bareNextMemory[i]!.bytesPerConnection,
      ratioToBareNext: Math.round((p.bytesPerConnection / bareNextMemory[i]!.bytesPerConnection) * 100) / 100,
      bareNextCreepBytesPerConnection: bareNextMemory[i]!.creepBytesPerConnection,
      appBytesPerConnection: p.bytesPerConnection,
      appHeapBytesPerConnection: p.heapBytesPerConnection,
      appCreepBytesPerConnection: p.creepBytesPerConnection,
      bareCreepBytesPerConnection: bareMemory[i]!.creepBytesPerConnection,
      bareBytesPerConnection: bareMemory[i]!.bytesPerConnection,
      ratioToBareNode: Math.round((p.bytesPerConnection / bareMemory[i]!.bytesPerConnection) * 100) / 100,
      appRssMb: [Math.round(p.rssBaseMb), Math.round(p.rssMb)],
      bareRssMb: [Math.round(bareMemory[i]!.rssBaseMb), Math.round(bareMemory[i]!.rssMb)],
    }));
    for (const m of memory)
      log(
        `  ${m.streams} streams: app ${kb(m.appBytesPerConnection)} KB/conn (heap ${kb(m.appHeapBytesPerConnection)} KB), bare Next ${kb(m.bareNextBytesPerConnection)} KB (app ×${m.ratioToBareNext}), bare Node ${kb(m.bareBytesPerConnection)} KB (app ×${m.ratioToBareNode})` +
          (m.appCreepBytesPerConnection !== undefined
            ? `; idle growth over 10 s: app ${m.appCreepBytesPerConnection} B/conn, bare Next ${m.bareNextCreepBytesPerConnection}, bare Node ${m.bareCreepBytesPerConnection}`
            : ""),
      );

    // ---------------------------------------------------------------- users
    const world = new World(PEAK_BEHAVIOR, urls);
    log(`signing in ${cfg.users} users…`);
    const t0 = Date.now();
    const clients = await signInUsers(urls, cfg.users, "u");
    const nicknames = new Map<string, string>();
    clients.forEach((c, i) => {
      const prefs = prefsFor(i);
      world.add(c, `u${i}`, prefs, i % urls.length);
      nicknames.set(c.userId, `u${i}`);
    });
    const signInPerSecond = Math.round((cfg.users / ((Date.now() - t0) / 1000)) * 10) / 10;
    await Promise.all(world.users.map((u) => u.openStream()));
    log(`  ${cfg.users} users signed in (${signInPerSecond}/s), streams open`);
    world.startTicker();

    // ---------------------------------------------------------------- 2. no-op
    log(`no-op: GET /api/health, ${cfg.concurrency} lanes, ${cfg.peakSeconds} s`);
    world.history.phase = "noop";
    const pids = () => ({
      app1: stack.apps[0]!.child.pid!,
      app2: stack.apps[1]!.child.pid!,
      // Shared servers (other engineers' tests use them too): their share is an upper bound.
      postgresShared: pidsMatching("bin/postgres -D"),
      redisShared: pidsMatching("redis-server *:6379").concat(pidsMatching("redis-server 127.0.0.1:6379")),
    });
    const noopCpu = cpuMeter(pids());
    const noop = await closedLoopHttp(cfg.concurrency, cfg.peakSeconds * 1000, (lane) =>
      fetch(`${urls[lane % urls.length]}/api/health`),
    );
    const noopCpuUse = noopCpu();
    log(
      `  ${noop.perSecond} req/s, p50 ${noop.latency.p50} ms, p99 ${noop.latency.p99} ms, failed ${noop.failed}; cpu ${JSON.stringify(noopCpuUse)}`,
    );

    // ---------------------------------------------------------------- 2b. capacity of the matching routes
    const capLanes = Math.max(1, Math.floor(cfg.concurrency / 4));
    const capClients = await signInUsers(urls, capLanes * 20, "cap");
    const lanesOfUsers = Array.from({ length: capLanes }, (_, k) => capClients.slice(k * 20, k * 20 + 20));
    log(`capacity: ${capLanes} lanes × (enqueue, enqueue, end) with fresh pairs, ${cfg.peakSeconds} s`);
    world.history.phase = "capacity";
    const capacity = await matchingCapacity(lanesOfUsers, cfg.peakSeconds * 1000);
    const noopAtCapLanes = await closedLoopHttp(capLanes, Math.min(5, cfg.peakSeconds) * 1000, (lane) =>
      fetch(`${urls[lane % urls.length]}/api/health`),
    );
    log(
      `  enqueue ${capacity.enqueuePerSecond} req/s (${capacity.matchesPerSecond} matches/s, end ${capacity.endPerSecond}/s, failed ${capacity.failed}), ` +
        `latency p50 ${capacity.enqueueLatency.p50} ms p99 ${capacity.enqueueLatency.p99} ms; no-op at the same ${capLanes} lanes ${noopAtCapLanes.perSecond} req/s`,
    );

    // ---------------------------------------------------------------- 3. peak
    log(`peak: enqueue → end at once, ${cfg.concurrency} lanes, ${cfg.peakSeconds} s`);
    world.history.phase = "peak";
    // Everyone compatible: the phase measures the routes, not how long a mood class takes to fill.
    world.prefsOverride = { mood: "random", mode: "any", interests: [] };
    world.users.forEach((u) => world.onIdle(u));
    const peakWindow: PhaseWindow = { name: "peak", start: now(), end: 0 };
    const peakCpu = cpuMeter(pids());
    await world.closedLoop(cfg.concurrency, cfg.peakSeconds * 1000);
    peakWindow.end = now();
    const peakCpuUse = peakCpu();
    await world.quiesce(2_000);
    let records = await readRecords(stack.db.url);
    const peakMatches = matchesPerSecond(records.sessions, peakWindow);
    const peakRequests = requestRates(world.history, peakWindow);
    const peakLatency = matchLatency(world.history, peakWindow);
    const enqueuePerSecond = peakRequests.byOp.enqueue?.perSecond ?? 0;
    log(
      `  ${peakMatches} matches/s, enqueue ${enqueuePerSecond} req/s (all matching requests ${peakRequests.totalPerSecond}/s), p99 enqueuer ${peakLatency.enqueuer.p99} ms / waiter ${peakLatency.waiter.p99} ms; cpu ${JSON.stringify(peakCpuUse)}`,
    );
    // Sessions still open (a leader's end in flight at the cut) are ended by their leaders; wait for them.
    for (let i = 0; i < 20 && world.users.some((u) => u.belief.status === "in_session"); i++) {
      world.resume();
      await sleep(500);
    }

    // ---------------------------------------------------------------- 4. paced, with N streams open
    const extra = Math.max(0, cfg.openStreams - cfg.users);
    log(`paced: opening ${extra} idle streams (total ${cfg.users + extra})…`);
    idle.push(
      ...(await openMany(extra, async (i) =>
        openIdleStream(urls[i % urls.length]!, "/api/matching/events", await cookieFor(100_000 + i)),
      )),
    );
    const targetMatches = Math.max(1, cfg.pacedMatches ?? peakMatches * cfg.pacedFraction);
    // Skips re-queue the skipper without the driver: about 0.55 requeues per match.
    const enqueueRate = Math.round(targetMatches * (2 - PACED_BEHAVIOR.actions.skip / 100) * 10) / 10;
    log(
      `paced: target ${targetMatches.toFixed(1)} matches/s (driver ${enqueueRate} enqueues/s), ${cfg.seconds} s, ${cfg.users + extra} streams open`,
    );
    world.behavior = PACED_BEHAVIOR;
    world.prefsOverride = null;
    world.history.phase = "paced";
    world.resume();
    const pacedWindow: PhaseWindow = { name: "paced", start: now(), end: 0 };
    const pacedCpu = cpuMeter(pids());
    const driven = await world.paced(enqueueRate, cfg.seconds * 1000);
    pacedWindow.end = now();
    const pacedCpuUse = pacedCpu();

    // ---------------------------------------------------------------- 5. wind down and check
    log("wind-down: quiesce, re-read every user's status, end everything…");
    world.history.phase = "final";
    await world.quiesce(2_500);
    world.stopTicker();
    await inBatches(world.users, 32, (u) => u.resync("final").then(() => undefined));
    await inBatches(world.users, 32, (u) => u.endNow());
    await sleep(2_500);
    await Promise.all(world.users.map((u) => u.closeStream()));
    idle.splice(0).forEach((s) => s.close());
    const run = { databaseUrl: stack.db.url, redis: stack.redis, namespace: stack.namespace, history: world.history, nicknames };
    const checked = await checkRun(run, true);
    records = checked.records;
    const invariants = checked.result;

    const pacedMatches = matchesPerSecond(records.sessions, pacedWindow);
    const pacedLatency = matchLatency(world.history, pacedWindow);
    const pacedRequests = requestRates(world.history, pacedWindow);
    const waits = waitReport(world.history, records.sessions, pacedWindow);
    const peakWaits = waitReport(world.history, records.sessions, peakWindow);
    const after = conditions();
    const m1000 = memory.find((m) => m.streams === 1000) ?? memory[0];
    const headline = {
      matchesPerSecond: pacedMatches,
      peakMatchesPerSecond: peakMatches,
      matchedP50Ms: Math.max(pacedLatency.enqueuer.p50, pacedLatency.waiter.p50),
      matchedP95Ms: Math.max(pacedLatency.enqueuer.p95, pacedLatency.waiter.p95),
      matchedP99Ms: Math.max(pacedLatency.enqueuer.p99, pacedLatency.waiter.p99),
      enqueuePerSecond,
      noopPerSecond: noop.perSecond,
      // The framework ratio: the matching routes' capacity against the no-op at the same lanes.
      enqueueVsNoopRatio: Math.round((capacity.enqueuePerSecond / noopAtCapLanes.perSecond) * 100) / 100,
      capacityEnqueuePerSecond: capacity.enqueuePerSecond,
      capacityMatchesPerSecond: capacity.matchesPerSecond,
      noopPerSecondAtCapacityLanes: noopAtCapLanes.perSecond,
      closedLoopEnqueueVsNoopRatio: Math.round((enqueuePerSecond / noop.perSecond) * 100) / 100,
      matchingRequestsVsNoopRatio: Math.round((peakRequests.totalPerSecond / noop.perSecond) * 100) / 100,
      sseBytesPerConnection: m1000?.appBytesPerConnection ?? null,
      sseBytesPerConnection5000: memory.find((m) => m.streams === 5000)?.appBytesPerConnection ?? null,
      sseVsBareRatio: m1000?.ratioToBareNext ?? null,
      sseVsBareNodeRatio: m1000?.ratioToBareNode ?? null,
      fifoOvertakes: waits.fifoOvertakes,
      violations: invariants.total,
    };
    const result = {
      bench: "app",
      at: new Date().toISOString(),
      config: cfg,
      conditions: { before, after },
      headline,
      memory,
      noop: { ...noop, cpu: noopCpuUse },
      signInPerSecond,
      peak: {
        window: peakWindow,
        cpu: peakCpuUse,
        matchesPerSecond: peakMatches,
        requests: peakRequests,
        latency: peakLatency,
        waits: peakWaits,
      },
      paced: {
        window: pacedWindow,
        cpu: pacedCpuUse,
        openStreams: cfg.users + extra,
        targetMatchesPerSecond: targetMatches,
        enqueueRate,
        driven,
        matchesPerSecond: pacedMatches,
        latency: pacedLatency,
        requests: pacedRequests,
        waits,
      },
      counters: world.counters,
      sessionsRecorded: records.sessions.length,
      endReasons: countBy(records.sessions.map((s) => s.endReason ?? "none")),
      invariants,
    };
    const file = writeResult("", result);
    if (cfg.keepHistory) log(`history: ${writeResult("history-", world.history.entries)}`);
    log(`paced cpu ${JSON.stringify(pacedCpuUse)}`);
    log(
      `paced: ${pacedMatches} matches/s; enqueuer p50/p95/p99 ${pacedLatency.enqueuer.p50}/${pacedLatency.enqueuer.p95}/${pacedLatency.enqueuer.p99} ms; waiter ${pacedLatency.waiter.p50}/${pacedLatency.waiter.p95}/${pacedLatency.waiter.p99} ms`,
    );
    log(
      `waits p50 ${waits.summaryMs.p50} ms p99 ${waits.summaryMs.p99} ms; FIFO overtakes ${waits.fifoOvertakes} of ${waits.fifoChecked} matched waits`,
    );
    log(`invariants: ${invariants.total} violations ${JSON.stringify(invariants.counts)}`);
    for (const [check, list] of Object.entries(invariants.examples)) for (const e of list) log(`  ${check}: ${e}`);
    log(`counters: ${JSON.stringify(world.counters)}`);
    log(`written ${file}`);
    console.log(`RESULT ${JSON.stringify(headline)}`);
  } finally {
    idle.forEach((s) => s.close());
    await stack.stop();
  }
}

const kb = (bytes: number | null | undefined) => (bytes == null ? "?" : (bytes / 1024).toFixed(1));

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

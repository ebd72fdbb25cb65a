/**
 * Fault benchmark:  npm run bench:faults
 *
 * Two production instances on a PRIVATE redis-server (its own port, append-only file in a temp
 * dir) and a fresh Postgres database, simulated users under a steady load, and one fault at a
 * time, with the invariants checked at a quiet checkpoint after each:
 *   baseline            no fault (the harness itself must show zero violations);
 *   kill-instance       SIGKILL one instance mid-run; its users reconnect to the other, then it restarts;
 *   redis-drop          CLIENT KILL of the app's connections (mm-command / mm-subscriber), twice;
 *   webhooks            LiveKit webhooks delivered twice and out of order (joins/leaves by sid,
 *                       room_finished twice) for sessions held open;
 *   sse-drop-before-match  waiters close their events stream right before they are matched and
 *                       reconnect with Last-Event-ID;
 *   redis-restart       SHUTDOWN and restart of the private Redis (last: everything reconnects).
 * Last stdout line: `RESULT {"faults":{name: violations}, "violations": n}`.
 */
import Redis from "ioredis";
import { benchConfig } from "./lib/config";
import { ensureBuilt } from "./lib/build";
import { checkRun, type CheckResult } from "./lib/invariants";
import { startPrivateRedis } from "./lib/private-redis";
import { readRecords } from "./lib/records";
import { conditions, log, writeResult } from "./lib/report";
import type { Behavior, SimUser } from "./lib/sim-user";
import { LIVEKIT_SECRET, signInUsers, startStack, warmSubscribers, type Stack } from "./lib/stack";
import { participantIdentity } from "@/server/livekit/participant-identity";
import { prefsFor, World } from "./lib/world";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FAULT_BEHAVIOR: Behavior = {
  holdMs: [300, 1_500],
  chat: true,
  actions: { skip: 50, end: 44, block: 3, report: 3 },
  thinkMs: [200, 800],
  waitResyncMs: 15_000,
  sessionWatchdogMs: 8_000,
};

interface FaultOutcome {
  violations: number;
  counts: Record<string, number>;
  examples: string[];
  notes: string[];
}

async function main() {
  const cfg = benchConfig();
  log(`conditions: ${JSON.stringify(conditions())}`);
  await ensureBuilt(log);
  const redisServer = await startPrivateRedis(6390);
  log(`private redis on ${redisServer.url}`);
  let stack: Stack | null = null;
  const admin = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  admin.on("error", () => {});
  try {
    stack = await startStack({ redisUrl: redisServer.url });
    const s = stack;
    const urls = s.apps.map((a) => a.url);
    await warmSubscribers(urls);
    log(`instances ${urls.join(", ")}; namespace ${s.namespace}`);
    const world = new World(FAULT_BEHAVIOR, urls);
    const clients = await signInUsers(urls, cfg.faultUsers, "f");
    const nicknames = new Map<string, string>();
    clients.forEach((c, i) => {
      world.add(c, `f${i}`, prefsFor(i), i % urls.length);
      nicknames.set(c.userId, `f${i}`);
    });
    await Promise.all(world.users.map((u) => u.openStream()));
    world.startTicker();
    log(`${world.users.length} users signed in with open streams`);

    const reported = new Set<string>();
    const faults: Record<string, FaultOutcome> = {};

    /** Quiet the load, re-read every user's status, and check; returns violations not seen before. */
    async function checkpoint(final: boolean): Promise<CheckResult & { fresh: string[] }> {
      await world.quiesce(2_000);
      await inBatches(world.users, 24, (u) => u.resync(final ? "final" : "checkpoint").then(() => undefined));
      if (final) {
        await inBatches(world.users, 24, (u) => u.endNow());
        await sleep(2_500);
      }
      const { result } = await checkRun(
        { databaseUrl: s.db.url, redis: s.redis, namespace: s.namespace, history: world.history, nicknames },
        final,
      );
      const fresh = result.all.filter((v) => !reported.has(v));
      fresh.forEach((v) => reported.add(v));
      return { ...result, fresh };
    }

    async function runFault(name: string, fault: () => Promise<string[]>) {
      log(`fault ${name}…`);
      world.history.phase = name;
      world.resume();
      const load = world.paced(cfg.faultRate, cfg.faultSeconds * 1000);
      await sleep((cfg.faultSeconds * 1000) / 3);
      let notes: string[] = [];
      try {
        notes = await fault();
      } catch (err) {
        notes = [`fault step failed: ${(err as Error).message}`];
      }
      await load;
      const result = await checkpoint(false);
      const own = notes.filter((n) => n.startsWith("VIOLATION"));
      const counts: Record<string, number> = {};
      for (const v of [...result.fresh, ...own]) {
        const check = v.startsWith("VIOLATION") ? "scenario" : v.slice(0, v.indexOf(":"));
        counts[check] = (counts[check] ?? 0) + 1;
      }
      faults[name] = {
        violations: result.fresh.length + own.length,
        counts,
        examples: [...own, ...result.fresh].slice(0, 8),
        notes,
      };
      log(
        `  ${name}: ${faults[name]!.violations} violations ${JSON.stringify(counts)}${notes.length ? `; ${notes.filter((n) => !n.startsWith("VIOLATION")).join("; ")}` : ""}`,
      );
      for (const e of faults[name]!.examples) log(`    ${e}`);
    }

    await runFault("baseline", async () => []);

    await runFault("kill-instance", async () => {
      const victim = s.apps[1]!;
      victim.child.kill("SIGKILL");
      world.down.add(1);
      await new Promise((r) => victim.child.once("exit", r));
      await sleep((cfg.faultSeconds * 1000) / 3);
      await s.startInstance(1);
      world.down.delete(1);
      // Its users come back at once (a deploy or a load balancer rebalancing does this).
      const movedBack = world.users.filter((u) => u.home === 1);
      movedBack.forEach((u) => u.reconnectStream());
      return [
        `instance 2 killed and restarted; ${movedBack.length} streams moved back to it at once; stream reconnects so far ${world.counters.streamReconnects ?? 0}`,
      ];
    });

    await runFault("redis-drop", async () => {
      let killed = 0;
      // Several rounds under load, so a kill lands while scripts are in flight (ioredis resends them).
      for (let round = 0; round < 5; round++) {
        const list = String(await admin.call("CLIENT", "LIST"));
        for (const line of list.split("\n")) {
          const id = /\bid=(\d+)/.exec(line)?.[1];
          const name = /\bname=(\S*)/.exec(line)?.[1];
          if (id && (name === "mm-command" || name === "mm-subscriber")) {
            killed += Number(await admin.call("CLIENT", "KILL", "ID", id));
          }
        }
        await sleep(600);
      }
      return [`${killed} app connections killed in 5 rounds`];
    });

    await runFault("webhooks", () => webhookScenario(s, world));

    await runFault("sse-drop-before-match", () => sseDropScenario(world));

    await runFault("redis-restart", async () => {
      await redisServer.restart(700);
      return ["private redis restarted (SHUTDOWN, AOF kept)"];
    });

    log("final: end everything and check");
    world.history.phase = "final";
    world.stopTicker();
    const final = await checkpoint(true);
    const finalCounts: Record<string, number> = {};
    for (const v of final.fresh) finalCounts[v.slice(0, v.indexOf(":"))] = (finalCounts[v.slice(0, v.indexOf(":"))] ?? 0) + 1;
    faults.final = { violations: final.fresh.length, counts: finalCounts, examples: final.fresh.slice(0, 8), notes: [] };
    log(`  final: ${final.fresh.length} violations ${JSON.stringify(finalCounts)}`);
    for (const e of final.fresh.slice(0, 8)) log(`    ${e}`);
    await Promise.all(world.users.map((u) => u.closeStream()));

    const total = Object.values(faults).reduce((n, f) => n + f.violations, 0);
    const records = await readRecords(s.db.url);
    const file = writeResult("faults-", {
      bench: "faults",
      at: new Date().toISOString(),
      config: cfg,
      conditions: conditions(),
      faults,
      sessionsRecorded: records.sessions.length,
      counters: world.counters,
      violations: total,
    });
    if (cfg.keepHistory) log(`history: ${writeResult("faults-history-", world.history.entries)}`);
    log(`written ${file}`);
    console.log(
      `RESULT ${JSON.stringify({ faults: Object.fromEntries(Object.entries(faults).map(([k, v]) => [k, v.violations])), violations: total })}`,
    );
  } finally {
    await stack?.stop();
    admin.disconnect();
    await redisServer.stop();
  }
}

/** Live sessions both members agree on, picked from the running population. */
async function liveSessions(world: World, want: number, waitMs: number): Promise<Array<{ id: string; a: SimUser; b: SimUser }>> {
  const deadline = Date.now() + waitMs;
  const picked = new Map<string, { id: string; a: SimUser; b: SimUser }>();
  while (picked.size < want && Date.now() < deadline) {
    const bySession = new Map<string, SimUser[]>();
    for (const u of world.users) {
      if (u.belief.status === "in_session" && !u.busy)
        (bySession.get(u.belief.sessionId!) ?? bySession.set(u.belief.sessionId!, []).get(u.belief.sessionId!)!).push(u);
    }
    for (const [id, members] of bySession) {
      if (members.length === 2 && !picked.has(id) && picked.size < want) {
        world.held.add(id);
        picked.set(id, { id, a: members[0]!, b: members[1]! });
      }
    }
    await sleep(50);
  }
  return [...picked.values()];
}

/**
 * For held sessions: joins delivered twice (same id), a reconnect whose old-sid leave arrives
 * after the new join (must be ignored), then either the current sid's leave twice (the session
 * ends with `disconnect` once, after the departure grace) or room_finished twice.
 */
async function webhookScenario(s: Stack, world: World): Promise<string[]> {
  const sessions = await liveSessions(world, 6, 4_000);
  const notes: string[] = [`${sessions.length} sessions driven by webhooks`];
  const [u1, u2] = [s.apps[0]!.url, s.apps[1]!.url].map((u) => `${u}/api/livekit/webhooks`) as [string, string];
  const send = async (url: string, input: Parameters<typeof s.livekit.sendWebhook>[1]) => {
    const res = await s.livekit.sendWebhook(url, input);
    if (res.status !== 200)
      notes.push(`VIOLATION webhook ${input.event} answered ${res.status}: ${res.responseBody.slice(0, 120)}`);
    return res;
  };
  const plans = await Promise.all(
    sessions.map(async ({ id, a, b }, i) => {
      const room = `mm_${id}`;
      // LiveKit identities are per-session pseudonyms (participant-identity.ts), as the app mints them.
      const [pa, pb] = [participantIdentity(LIVEKIT_SECRET, id, a.id), participantIdentity(LIVEKIT_SECRET, id, b.id)];
      const [a1, a2, b1] = [`PA_${id}_a1`, `PA_${id}_a2`, `PA_${id}_b1`];
      const joinA = `EV_${id}_ja`;
      await send(u1, { id: joinA, event: "participant_joined", room, participant: { identity: pa, sid: a1 } });
      await send(u2, { id: joinA, event: "participant_joined", room, participant: { identity: pa, sid: a1 } }); // retry
      await send(u2, { event: "participant_joined", room, participant: { identity: pb, sid: b1 } });
      // a reconnects: the new join arrives before the old sid's leave
      await send(u1, { event: "participant_joined", room, participant: { identity: pa, sid: a2 } });
      await send(u2, { event: "participant_left", room, participant: { identity: pa, sid: a1 } });
      if (i % 2 === 0) {
        const leaveB = `EV_${id}_lb`;
        await send(u1, { id: leaveB, event: "participant_left", room, participant: { identity: pb, sid: b1 } });
        await send(u2, { id: leaveB, event: "participant_left", room, participant: { identity: pb, sid: b1 } });
        return { id, expect: "disconnect-after-grace" as const };
      }
      await send(u1, { event: "room_finished", room });
      await send(u2, { event: "room_finished", room });
      return { id, expect: "room-finished" as const };
    }),
  );
  // Departures settle after the app's 10 s grace (presence.ts), checked every second.
  await sleep(12_500);
  const records = await readRecords(s.db.url);
  for (const plan of plans) {
    const row = records.sessions.find((r) => r.id === plan.id);
    if (!row) notes.push(`VIOLATION webhook session ${plan.id} missing from Postgres`);
    else {
      if (row.activeAt === null) notes.push(`VIOLATION webhook session ${plan.id} never became active after both joined`);
      if (row.endedAt === null) notes.push(`VIOLATION webhook session ${plan.id} (${plan.expect}) still live after the leave`);
      else if (row.endReason !== "disconnect")
        notes.push(`VIOLATION webhook session ${plan.id} ended with ${row.endReason}, expected disconnect`);
      if (
        plan.expect === "disconnect-after-grace" &&
        row.endedAt !== null &&
        row.activeAt !== null &&
        row.endedAt - row.activeAt < 9_000
      )
        notes.push(
          `VIOLATION webhook session ${plan.id} ended ${Math.round(row.endedAt - row.activeAt)} ms after activation: the stale-sid leave or the grace was not honoured`,
        );
    }
    world.held.delete(plan.id);
  }
  return notes;
}

/** Waiters close their stream right after enqueueing; a partner is enqueued; they reconnect. */
async function sseDropScenario(world: World): Promise<string[]> {
  const notes: string[] = [];
  let done = 0;
  let learnedOnReconnect = 0;
  for (let round = 0; round < 8; round++) {
    const waiter = world.take();
    const partner = world.take();
    if (!waiter || !partner) {
      await sleep(200);
      continue;
    }
    await waiter.enqueue();
    if (waiter.belief.status !== "waiting") {
      world.onIdle(partner);
      continue;
    }
    await waiter.closeStream();
    await partner.enqueue();
    await sleep(300);
    await waiter.openStream();
    if ((waiter.belief.status as string) === "in_session") learnedOnReconnect++;
    await sleep(300);
    if (waiter.belief.status === "waiting") {
      const ok = await waiter.resync("checkpoint after reconnect");
      if (!ok)
        notes.push(`VIOLATION ${waiter.nickname} was matched while its stream was closed but did not learn it on reconnect`);
    }
    done++;
  }
  notes.push(
    `${done} waiters dropped their stream right before a match; ${learnedOnReconnect} learned their session from the reconnect's state`,
  );
  return notes;
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

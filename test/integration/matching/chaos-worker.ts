/**
 * Child process for concurrency.test.ts: fires random enqueue/skip/end/cancel/sweep calls at one
 * shared namespace and prints a log of the outcomes as one JSON line.
 * Run: node --import tsx --conditions=react-server chaos-worker.ts '<json args>'
 */
import Redis from "ioredis";
import { MOODS } from "@/lib/schemas";
import { createRedisMatchStore } from "@/server/matching/redis-store";
import type { MatchConfig } from "@/server/matching/types";

interface Args {
  redisUrl: string;
  namespace: string;
  users: string[];
  ops: number;
  lanes: number;
  config: MatchConfig;
}

export interface ChaosLog {
  created: { id: string; a: string; b: string }[];
  ended: string[];
  counts: Record<string, number>;
  errors: string[];
}

async function main() {
  const args = JSON.parse(process.argv[2]!) as Args;
  const redis = new Redis(args.redisUrl);
  const store = createRedisMatchStore({ redis, config: args.config, namespace: args.namespace });
  const log: ChaosLog = { created: [], ended: [], counts: {}, errors: [] };
  const count = (k: string) => (log.counts[k] = (log.counts[k] ?? 0) + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  let remaining = args.ops;

  async function one() {
    const user = pick(args.users);
    const now = Date.now();
    const roll = Math.random();
    if (roll < 0.5) {
      const out = await store.enqueue(
        user,
        { mood: pick(MOODS), interests: [pick(["a", "b", "c"])], mode: pick(["any", "same_mood"] as const) },
        { nickname: user, avatar: null },
        now,
      );
      count(`enqueue:${out.kind}`);
      if (out.kind === "matched" && out.created)
        log.created.push({ id: out.session.id, a: out.session.a.userId, b: out.session.b.userId });
    } else if (roll < 0.7) {
      const out = await store.skip(user, now);
      count(`skip:${out.kind}`);
      if (out.kind !== "not_in_session" && out.ended) log.ended.push(out.ended.id);
      if (out.kind === "skipped" && out.requeue?.kind === "matched" && out.requeue.created) {
        const s = out.requeue.session;
        log.created.push({ id: s.id, a: s.a.userId, b: s.b.userId });
      }
    } else if (roll < 0.85) {
      const state = await store.getState(user, now);
      if (state.status === "in_session") {
        const ended = await store.endSession(state.session.id, "end", user, now);
        count(`end:${ended ? "ended" : "null"}`);
        if (ended) log.ended.push(ended.id);
      }
    } else if (roll < 0.95) {
      count(`cancel:${await store.cancel(user)}`);
    } else {
      for (const s of await store.sweep(now)) log.created.push({ id: s.id, a: s.a.userId, b: s.b.userId });
      count("sweep");
    }
  }

  await Promise.all(
    Array.from({ length: args.lanes }, async () => {
      while (remaining-- > 0) {
        try {
          await one();
        } catch (e) {
          log.errors.push(String(e));
        }
      }
    }),
  );
  await redis.quit();
  process.stdout.write(`${JSON.stringify(log)}\n`);
}

void main();

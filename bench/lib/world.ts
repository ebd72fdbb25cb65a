/**
 * The simulated population and the drivers that put load on it: a pool of idle users, an
 * open-loop driver (enqueues at a fixed rate) and a closed-loop one (N lanes, each enqueueing the
 * next idle user as soon as its previous request answered).
 */
import type { MatchMode, Mood } from "@/lib/schemas";
import type { ApiClient } from "@test/support/app-process";
import { History, type Prefs } from "./history";
import { SimUser, type Behavior, type SimWorld } from "./sim-user";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Few preference classes, so FIFO among equals can be checked: mood, mode and interests. */
export function prefsFor(i: number): Prefs {
  const r = (i * 7919) % 100;
  const mood: Mood = r < 40 ? "random" : r < 70 ? "chill" : "fire";
  const mode: MatchMode = (i * 104729) % 4 === 0 ? "any" : "same_mood";
  const interests = i % 2 === 0 ? [] : [["music"], ["games"], ["music", "films"]][i % 3]!;
  return { mood, mode, interests };
}

export class World implements SimWorld {
  readonly history = new History();
  readonly byNickname = new Map<string, SimUser>();
  readonly leaders = new Map<string, string>();
  readonly users: SimUser[] = [];
  readonly pool: SimUser[] = [];
  readonly counters: Record<string, number> = {};
  paused = false;
  prefsOverride: Prefs | null = null;
  readonly held = new Set<string>();
  /** Instances that are down (their users go to a live one). */
  readonly down = new Set<number>();
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    public behavior: Behavior,
    readonly urls: string[],
  ) {}

  urlFor(user: SimUser): string {
    if (!this.down.has(user.home)) return this.urls[user.home]!;
    const alive = this.urls.findIndex((_, i) => !this.down.has(i));
    return this.urls[alive === -1 ? user.home : alive]!;
  }

  onIdle(user: SimUser): void {
    if (user.inPool || user.belief.status !== "idle") return;
    user.inPool = true;
    this.pool.push(user);
  }

  /** Take a random idle user out of the pool (random, so no user is systematically favoured). */
  take(): SimUser | undefined {
    while (this.pool.length > 0) {
      const i = Math.floor(Math.random() * this.pool.length);
      const user = this.pool[i]!;
      this.pool[i] = this.pool[this.pool.length - 1]!;
      this.pool.pop();
      if (user.inPool && user.belief.status === "idle" && !user.busy) return user;
      user.inPool = false;
    }
    return undefined;
  }

  add(client: ApiClient, nickname: string, prefs: Prefs, home: number): SimUser {
    const user = new SimUser(client, nickname, prefs, this, home);
    this.users.push(user);
    this.byNickname.set(nickname, user);
    return user;
  }

  /** Waiting users re-read /status after a long wait, as the browser's heartbeat would. */
  startTicker(): void {
    this.ticker = setInterval(() => {
      if (this.paused) return;
      const limit = Date.now() - this.behavior.waitResyncMs;
      for (const u of this.users) {
        if (u.belief.status === "waiting" && !u.busy && u.belief.since < limit) {
          u.belief.since = Date.now(); // one re-read per period
          void u.resync("long wait");
        }
      }
    }, 1_000);
  }

  stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
  }

  /**
   * Open-loop: `rate` enqueues per second for `ms` (and on until `until()` is true, when given).
   * Returns how many were issued and how often the pool was empty.
   */
  async paced(rate: number, ms: number, until?: () => boolean): Promise<{ issued: number; starved: number }> {
    let issued = 0;
    let starved = 0;
    const start = Date.now();
    const inFlight = new Set<Promise<void>>();
    while (Date.now() - start < ms || (until !== undefined && !until())) {
      const due = Math.floor(((Date.now() - start) / 1000) * rate) - issued;
      for (let k = 0; k < due; k++) {
        if (this.paused) break;
        const user = this.take();
        issued++;
        if (!user) {
          starved++;
          continue;
        }
        const p = user.enqueue();
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    return { issued: issued - starved, starved };
  }

  /** Closed-loop: `lanes` concurrent enqueuers for `ms`. */
  async closedLoop(lanes: number, ms: number): Promise<void> {
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (Date.now() < end) {
          const user = this.paused ? undefined : this.take();
          if (!user) {
            await sleep(2);
            continue;
          }
          await user.enqueue();
        }
      }),
    );
  }

  /** Let in-flight actions finish: no new ones start while paused. */
  async quiesce(ms = 1_500): Promise<void> {
    this.paused = true;
    const deadline = Date.now() + 15_000;
    await sleep(ms);
    while (this.users.some((u) => u.busy) && Date.now() < deadline) await sleep(100);
    await sleep(500);
  }

  resume(): void {
    this.paused = false;
    for (const u of this.users) if (u.belief.status === "idle") this.onIdle(u);
  }
}

export const PACED_BEHAVIOR: Behavior = {
  holdMs: [200, 1_200],
  chat: true,
  actions: { skip: 55, end: 40, block: 3, report: 2 },
  thinkMs: [100, 600],
  waitResyncMs: 20_000,
  sessionWatchdogMs: 8_000,
};

/** Saturation: end at once, no chat, never skip (skips earn cooldowns at this pace). */
export const PEAK_BEHAVIOR: Behavior = {
  holdMs: [0, 0],
  chat: false,
  actions: { skip: 0, end: 1, block: 0, report: 0 },
  thinkMs: [0, 0],
  waitResyncMs: 20_000,
  sessionWatchdogMs: 8_000,
};

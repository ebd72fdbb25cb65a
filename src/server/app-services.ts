import "server-only";
import type { Logger } from "pino";
import type { RevealMode } from "@/lib/schemas";
import type { Database } from "./db";
import type { EventBus } from "./events";
import type { KeyValueStore } from "./kv";
import type { LivekitRooms } from "./livekit/rooms";
import type { WebhookVerifier } from "./livekit/webhooks";
import type { MatchStore } from "./matching/types";
import type { AppMetrics } from "./ops/metrics";
import type { ChatFilter } from "./safety/moderation";
import type { RateLimits } from "./safety/rate-limits";

/** The app's services: everything the route handlers, the session lifecycle and the admin tools talk to; built once by services.ts, and by the test harness from real parts. */
export interface AppServices {
  db: Database;
  store: MatchStore;
  bus: EventBus;
  kv: KeyValueStore;
  rooms: LivekitRooms;
  webhooks: WebhookVerifier;
  livekit: { url: string; apiKey: string; apiSecret: string };
  limits: RateLimits;
  chatFilter: ChatFilter;
  metrics: AppMetrics;
  maintenance: { enabled: boolean; message: string };
  /** `REVEAL_MODE`: consent (every call starts blurred until both press Reveal) or open. */
  revealMode: RevealMode;
  presenceTimeoutMs: number;
  rematchWindowMs: number;
  /** Resolved reports (and their chat context) are deleted after this long (`REPORT_RETENTION`, default 90 days). */
  reportRetentionMs?: number;
  /** How long a friend call rings before it times out (default FRIEND_CALL_RING_MS, 30 s). */
  friendCallRingMs?: number;
  now: () => number;
  log: Pick<Logger, "info" | "warn" | "error" | "debug">;
}

/** Scrape-time gauges read from the store (queue size per mood, live sessions). */
export function attachStoreMetrics(deps: Pick<AppServices, "metrics" | "store">): void {
  deps.metrics.setQueueCollector(async () => (await deps.store.stats()).byMood);
  deps.metrics.setActiveSessionsCollector(async () => (await deps.store.stats()).liveSessions);
}

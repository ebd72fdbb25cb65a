import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { END_REASONS, MOODS, type EndReason, type Mood } from "@/lib/schemas";

/**
 * Prometheus metrics for `GET /api/metrics`. A private Registry (not prom-client's global one),
 * kept once per process on globalThis, so Next.js hot reload and repeated imports never register
 * a metric twice. Label values are closed lists, so a client cannot blow up cardinality.
 */

export const METRIC_PREFIX = "moodmatch_";

export type QueueSizes = Partial<Record<Mood, number>>;
export type QueueCollector = () => QueueSizes | Promise<QueueSizes>;
export type CountCollector = () => number | Promise<number>;
export type ChatOutcome = "delivered" | "withheld";

/** LiveKit webhook event names we label individually; anything else is counted as "other". */
export const WEBHOOK_EVENTS = [
  "room_started",
  "room_finished",
  "participant_joined",
  "participant_left",
  "participant_connection_aborted",
  "track_published",
  "track_unpublished",
] as const;

/** Error codes of instructions/api.md; anything else is counted as "OTHER". */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "ALREADY_IN_SESSION",
  "NOT_IN_SESSION",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "COOLDOWN",
  "MAINTENANCE",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface AppMetrics {
  readonly registry: Registry;
  readonly matches: { inc(count?: number): void };
  /** both people joined the video room (LiveKit's participant_joined): matches that became calls */
  readonly sessionsActivated: { inc(): void };
  /** time from enqueue to match */
  readonly waitTime: { observeMs(ms: number): void };
  readonly sessionsEnded: { inc(reason: EndReason): void };
  readonly sseConnections: { inc(): void; dec(): void };
  readonly webhookEvents: { inc(event: string): void };
  readonly httpErrors: { inc(status: number, code: string): void };
  readonly chatMessages: { inc(outcome: ChatOutcome): void };
  /** Called on every scrape to fill `queue_size{mood}`; set by the composition code. */
  setQueueCollector(fn: QueueCollector | undefined): void;
  /** Called on every scrape to fill `active_sessions`. */
  setActiveSessionsCollector(fn: CountCollector | undefined): void;
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** process CPU, memory, event loop lag, GC (prom-client defaults); on unless false */
  defaultMetrics?: boolean;
  logger?: WarnLogger;
}

const consoleLogger: WarnLogger = { warn: (obj, msg) => console.warn(msg, obj) };

export function createMetrics(options: MetricsOptions = {}): AppMetrics {
  const { defaultMetrics = true, logger = consoleLogger } = options;
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const name = (n: string) => `${METRIC_PREFIX}${n}`;

  let queueCollector: QueueCollector | undefined;
  let activeCollector: CountCollector | undefined;

  const collectorErrors = new Counter({
    name: name("metrics_collector_errors_total"),
    help: "Scrape-time collectors that failed (their gauge is empty for that scrape; counted from the next one)",
    labelNames: ["collector"] as const,
    registers: [registry],
  });

  new Gauge({
    name: name("queue_size"),
    help: "Users waiting in the matching queue, by mood",
    labelNames: ["mood"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!queueCollector) return;
      try {
        const sizes = await queueCollector();
        for (const mood of MOODS) this.set({ mood }, sizes[mood] ?? 0);
      } catch (err) {
        collectorErrors.inc({ collector: "queue_size" });
        logger.warn({ err }, "queue size collector failed");
      }
    },
  });

  new Gauge({
    name: name("active_sessions"),
    help: "Live match sessions",
    registers: [registry],
    async collect() {
      this.reset();
      if (!activeCollector) return;
      try {
        this.set(await activeCollector());
      } catch (err) {
        collectorErrors.inc({ collector: "active_sessions" });
        logger.warn({ err }, "active sessions collector failed");
      }
    },
  });

  const waitTime = new Histogram({
    name: name("queue_wait_seconds"),
    help: "Time from enqueue to match",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const matches = new Counter({ name: name("matches_total"), help: "Pairs matched", registers: [registry] });
  const sessionsActivated = new Counter({
    name: name("sessions_activated_total"),
    help: "Match sessions whose two people both joined the video room (a falling share of matches_total means video is failing)",
    registers: [registry],
  });
  const sessionsEnded = new Counter({
    name: name("sessions_ended_total"),
    help: "Match sessions ended, by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const sseConnections = new Gauge({
    name: name("sse_connections"),
    help: "Open event streams on this instance",
    registers: [registry],
  });
  const webhookEvents = new Counter({
    name: name("livekit_webhook_events_total"),
    help: "Verified LiveKit webhook events, by event type",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  const httpErrors = new Counter({
    name: name("http_errors_total"),
    help: "API error responses, by HTTP status and error code",
    labelNames: ["status", "code"] as const,
    registers: [registry],
  });
  const chatMessages = new Counter({
    name: name("chat_messages_total"),
    help: "Chat messages accepted by the API, by filter outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });

  // Zero-initialise the closed label sets so rate() works from the first increment.
  for (const reason of END_REASONS) sessionsEnded.inc({ reason }, 0);
  for (const outcome of ["delivered", "withheld"] as const) chatMessages.inc({ outcome }, 0);
  for (const collector of ["queue_size", "active_sessions"]) collectorErrors.inc({ collector }, 0);

  return {
    registry,
    matches: { inc: (count = 1) => matches.inc(count) },
    sessionsActivated: { inc: () => sessionsActivated.inc() },
    waitTime: { observeMs: (ms) => waitTime.observe(Math.max(0, ms) / 1000) },
    sessionsEnded: { inc: (reason) => sessionsEnded.inc({ reason: oneOf(END_REASONS, reason, "other") }) },
    sseConnections: { inc: () => sseConnections.inc(), dec: () => sseConnections.dec() },
    webhookEvents: { inc: (event) => webhookEvents.inc({ event: oneOf(WEBHOOK_EVENTS, event, "other") }) },
    httpErrors: {
      inc: (status, code) => httpErrors.inc({ status: statusLabel(status), code: oneOf(ERROR_CODES, code, "OTHER") }),
    },
    chatMessages: { inc: (outcome) => chatMessages.inc({ outcome: oneOf(["delivered", "withheld"], outcome, "other") }) },
    setQueueCollector: (fn) => void (queueCollector = fn),
    setActiveSessionsCollector: (fn) => void (activeCollector = fn),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

function oneOf(allowed: readonly string[], value: string, fallback: string): string {
  return allowed.includes(value) ? value : fallback;
}

function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
}

// ---- the process-wide instance ------------------------------------------------------------------

const GLOBAL_KEY = Symbol.for("moodmatch.ops.metrics.v1");
type GlobalWithMetrics = typeof globalThis & { [GLOBAL_KEY]?: AppMetrics };

/** The one metrics instance of this process (survives hot reload). */
export function getMetrics(): AppMetrics {
  const g = globalThis as GlobalWithMetrics;
  return (g[GLOBAL_KEY] ??= createMetrics());
}

export const metrics: AppMetrics = getMetrics();

export function setQueueCollector(fn: QueueCollector | undefined): void {
  metrics.setQueueCollector(fn);
}

export function setActiveSessionsCollector(fn: CountCollector | undefined): void {
  metrics.setActiveSessionsCollector(fn);
}

/** Prometheus text exposition of the process-wide registry, for the metrics route. */
export function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return metrics.render();
}

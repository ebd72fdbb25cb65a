import { describe, expect, it } from "vitest";
import { createMetrics, getMetrics, metrics, renderMetrics, type WarnLogger } from "./metrics";

/** The value of one sample line, e.g. `moodmatch_matches_total 3`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const silent: WarnLogger = { warn: () => {} };

describe("metrics", () => {
  it("renders every metric name with the Prometheus content type", async () => {
    const m = createMetrics({ logger: silent });
    const { contentType, body } = await m.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      "moodmatch_queue_size",
      "moodmatch_queue_wait_seconds",
      "moodmatch_matches_total",
      "moodmatch_sessions_ended_total",
      "moodmatch_active_sessions",
      "moodmatch_sse_connections",
      "moodmatch_livekit_webhook_events_total",
      "moodmatch_http_errors_total",
      "moodmatch_chat_messages_total",
      "process_cpu_seconds_total", // default process metrics
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
  });

  it("reflects increments", async () => {
    const m = createMetrics({ defaultMetrics: false, logger: silent });
    m.matches.inc();
    m.matches.inc(2);
    m.sessionsEnded.inc("skip");
    m.sessionsEnded.inc("skip");
    m.sessionsEnded.inc("report");
    m.sseConnections.inc();
    m.sseConnections.inc();
    m.sseConnections.dec();
    m.webhookEvents.inc("participant_joined");
    m.webhookEvents.inc("something_new");
    m.httpErrors.inc(429, "COOLDOWN");
    m.httpErrors.inc(400, "not-a-code");
    m.chatMessages.inc("delivered");
    m.chatMessages.inc("withheld");
    m.chatMessages.inc("delivered");
    m.waitTime.observeMs(1500);
    m.waitTime.observeMs(30);

    const { body } = await m.render();
    expect(sample(body, "moodmatch_matches_total")).toBe(3);
    expect(sample(body, 'moodmatch_sessions_ended_total{reason="skip"}')).toBe(2);
    expect(sample(body, 'moodmatch_sessions_ended_total{reason="report"}')).toBe(1);
    expect(sample(body, 'moodmatch_sessions_ended_total{reason="timeout"}')).toBe(0); // zero-initialised
    expect(sample(body, "moodmatch_sse_connections")).toBe(1);
    expect(sample(body, 'moodmatch_livekit_webhook_events_total{event="participant_joined"}')).toBe(1);
    expect(sample(body, 'moodmatch_livekit_webhook_events_total{event="other"}')).toBe(1);
    expect(sample(body, 'moodmatch_http_errors_total{status="429",code="COOLDOWN"}')).toBe(1);
    expect(sample(body, 'moodmatch_http_errors_total{status="400",code="OTHER"}')).toBe(1);
    expect(sample(body, 'moodmatch_chat_messages_total{outcome="delivered"}')).toBe(2);
    expect(sample(body, 'moodmatch_chat_messages_total{outcome="withheld"}')).toBe(1);
    expect(sample(body, "moodmatch_queue_wait_seconds_count")).toBe(2);
    expect(sample(body, "moodmatch_queue_wait_seconds_sum")).toBeCloseTo(1.53);
    expect(sample(body, 'moodmatch_queue_wait_seconds_bucket{le="0.05"}')).toBe(1);
    expect(sample(body, 'moodmatch_queue_wait_seconds_bucket{le="2"}')).toBe(2);
  });

  it("fills the scrape-time gauges from the collectors the app sets", async () => {
    const m = createMetrics({ defaultMetrics: false, logger: silent });
    let body = (await m.render()).body;
    expect(sample(body, 'moodmatch_queue_size{mood="chill"}')).toBeUndefined(); // no collector yet

    let waiting = 4;
    m.setQueueCollector(async () => ({ chill: waiting, fire: 1 }));
    m.setActiveSessionsCollector(() => 7);
    body = (await m.render()).body;
    expect(sample(body, 'moodmatch_queue_size{mood="chill"}')).toBe(4);
    expect(sample(body, 'moodmatch_queue_size{mood="fire"}')).toBe(1);
    expect(sample(body, 'moodmatch_queue_size{mood="shy"}')).toBe(0);
    expect(sample(body, "moodmatch_active_sessions")).toBe(7);

    waiting = 2;
    body = (await m.render()).body;
    expect(sample(body, 'moodmatch_queue_size{mood="chill"}')).toBe(2);
  });

  it("a failing collector does not fail the scrape; it is counted", async () => {
    const warnings: string[] = [];
    const m = createMetrics({ defaultMetrics: false, logger: { warn: (_o, msg) => warnings.push(msg) } });
    m.setQueueCollector(async () => {
      throw new Error("redis down");
    });
    const { body } = await m.render();
    expect(sample(body, 'moodmatch_queue_size{mood="chill"}')).toBeUndefined();
    // Metrics are gathered concurrently, so the error shows in the next scrape; read it directly.
    const errors = await m.registry.getSingleMetricAsString("moodmatch_metrics_collector_errors_total");
    expect(sample(errors, 'moodmatch_metrics_collector_errors_total{collector="queue_size"}')).toBe(1);
    expect(warnings).toEqual(["queue size collector failed"]);
  });

  it("keeps one process-wide instance (no double registration on re-import)", async () => {
    expect(getMetrics()).toBe(metrics);
    const before = sample((await renderMetrics()).body, "moodmatch_matches_total") ?? 0;
    metrics.matches.inc();
    const { body } = await renderMetrics();
    expect(sample(body, "moodmatch_matches_total")).toBe(before + 1);
  });
});

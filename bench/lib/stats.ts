/** Small statistics helpers for the bench reports. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    count: sorted.length,
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted[sorted.length - 1] ?? NaN),
    mean: r(sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1)),
  };
}

/** Counts per bucket with upper bounds `edges` (last bucket is open). */
export function histogram(values: number[], edges: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i <= edges.length; i++) out[i < edges.length ? `≤${edges[i]}` : `>${edges[edges.length - 1]}`] = 0;
  for (const v of values) {
    const i = edges.findIndex((e) => v <= e);
    const key = i === -1 ? `>${edges[edges.length - 1]}` : `≤${edges[i]}`;
    out[key]!++;
  }
  return out;
}

/** Closed-loop HTTP load: `lanes` concurrent requesters for `ms`; counts 2xx answers. */
export async function closedLoopHttp(
  lanes: number,
  ms: number,
  request: (lane: number) => Promise<Response>,
): Promise<{ ok: number; failed: number; perSecond: number; latency: Summary }> {
  const end = performance.now() + ms;
  const start = performance.now();
  let ok = 0;
  let failed = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await request(lane);
          await res.arrayBuffer();
          if (res.ok) ok++;
          else failed++;
        } catch {
          failed++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { ok, failed, perSecond: Math.round((ok / elapsed) * 10) / 10, latency: summarize(latencies) };
}

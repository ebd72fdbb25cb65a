/**
 * Benchmark knobs, all from the environment so a run can be scaled to the machine. The benches
 * are tooling, not app code: this is their one place that reads process.env.
 */
const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
};

export const benchConfig = () => ({
  /** Signed-in simulated users with an events stream each. */
  users: num("BENCH_USERS", 400),
  /** Concurrent closed-loop lanes for the no-op and peak phases. */
  concurrency: num("BENCH_CONCURRENCY", 32),
  /** Seconds of the no-op phase and of the peak (saturation) matching phase, each. */
  peakSeconds: num("BENCH_PEAK_SECONDS", 12),
  /** Seconds of the paced phase (half the peak rate, with `openStreams` streams open). */
  seconds: num("BENCH_SECONDS", 40),
  /** Streams open during the paced phase (user streams plus idle ones). */
  openStreams: num("BENCH_OPEN_STREAMS", 1000),
  /** Idle-stream counts for the memory measurement, comma separated. */
  memoryStreams: (process.env.BENCH_MEMORY_STREAMS ?? "1000,5000")
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n > 0),
  /** Fraction of the measured peak match rate the paced phase aims for. */
  pacedFraction: num("BENCH_PACED_FRACTION", 0.5),
  /** A fixed paced rate in matches/s instead of a fraction of the peak (latency at a chosen load). */
  pacedMatches: process.env.BENCH_PACED_MATCHES ? Number(process.env.BENCH_PACED_MATCHES) : null,
  /** Users in the fault run. */
  faultUsers: num("BENCH_FAULT_USERS", 120),
  /** Seconds of background load around each fault. */
  faultSeconds: num("BENCH_FAULT_SECONDS", 8),
  /** Enqueues per second during the fault run. */
  faultRate: num("BENCH_FAULT_RATE", 30),
  /** Only these faults (comma separated names; baseline and final always run), e.g. "postgres-down,livekit-slow". */
  faults: (process.env.BENCH_FAULTS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
  /** Experiment: `synchronous_commit = off` for the run's own database (is commit latency the limit?). */
  pgAsyncCommit: Boolean(process.env.BENCH_PG_ASYNC_COMMIT),
  /** A directory for the app instances' CPU profiles (`--cpu-prof`), written when they stop. */
  cpuProfileDir: process.env.BENCH_CPU_PROF || null,
  /** Also write the run's full client-side history (large) next to the result. */
  keepHistory: Boolean(process.env.BENCH_HISTORY),
  redisUrl: process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
  ci: Boolean(process.env.CI),
});

export type BenchConfig = ReturnType<typeof benchConfig>;

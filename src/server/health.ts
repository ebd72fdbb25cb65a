import "server-only";
import { assertSchemaCurrent } from "./db/client";
import { logger } from "./logger";
import { getServices } from "./services";

export interface Health {
  status: "ok" | "degraded";
  version: string;
  /** Per dependency: up or not, and how long it took. Never the error's text (it names hosts, SQL, versions). */
  checks?: Record<string, { ok: boolean; ms: number }>;
}

const VERSION = process.env.npm_package_version ?? "0.1.0";

/**
 * Liveness (`ready=false`) or readiness: the database (migrated to the latest schema) and the
 * matching store in use answer within 2 s.
 */
export async function checkHealth(ready: boolean): Promise<Health> {
  if (!ready) return { status: "ok", version: VERSION };
  const checks: NonNullable<Health["checks"]> = {};
  await Promise.all([
    timed("database", checks, async () => {
      await assertSchemaCurrent((await getServices()).db);
    }),
    timed("store", checks, async () => {
      await (await getServices()).store.stats();
    }),
  ]);
  const ok = Object.values(checks).every((c) => c.ok);
  return { status: ok ? "ok" : "degraded", version: VERSION, checks };
}

/** The answer is public: only up/down per dependency; the reason goes to the log (instructions/safety-and-operations.md "Health answers"). */
async function timed(name: string, into: NonNullable<Health["checks"]>, fn: () => Promise<void>) {
  const start = performance.now();
  try {
    await withTimeout(fn(), 2_000);
    into[name] = { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    into[name] = { ok: false, ms: Math.round(performance.now() - start) };
    logger.warn(
      {
        check: name,
        err:
          err instanceof Error ? { name: err.name, message: err.message, code: (err as { code?: unknown }).code } : String(err),
      },
      "health check failed",
    );
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

import "server-only";
import path from "node:path";
import { getEnv } from "../env";
import { openPglite, openPostgres, type DatabaseHandle } from "./client";

export type { Database, DatabaseHandle } from "./client";

const holder = globalThis as unknown as { __mmDatabase?: Promise<DatabaseHandle> };

/**
 * The process-wide database, opened on first use (never at import, so `next build` needs no
 * database). Kept on globalThis so dev hot reloads don't open a second PGlite on the same files.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  holder.__mmDatabase ??= open().catch((err) => {
    holder.__mmDatabase = undefined; // let the next request try again
    throw err;
  });
  return holder.__mmDatabase;
}

async function open(): Promise<DatabaseHandle> {
  const env = getEnv();
  if (env.databaseUrl) return openPostgres(env.databaseUrl, { queryTimeoutMs: env.databaseQueryTimeoutMs });
  return openPglite(path.resolve(env.dataDir, "pglite"));
}

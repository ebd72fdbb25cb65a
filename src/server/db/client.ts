import "server-only";
import path from "node:path";
import { mkdir } from "node:fs/promises";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { schema } from "./schema";

/**
 * A drizzle database over either a real Postgres (`pg` pool) or the embedded PGlite. Both run
 * the same SQL migrations from `drizzle/`, so the rest of the code sees one type.
 */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema> & { $client: any };

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

/** Connect to Postgres at `url`. Migrations are applied by `npm run db:migrate`, or here when asked. */
export async function openPostgres(url: string, opts: { migrate?: boolean; max?: number } = {}): Promise<DatabaseHandle> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 5_000 });
  // An idle client's error must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = drizzle({ client: pool, schema }) as unknown as Database;
  if (opts.migrate) {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return {
    db,
    kind: "postgres",
    close: () => pool.end(),
  };
}

/** Open (creating if needed) the embedded PGlite database in `dir` and migrate it. */
export async function openPglite(dir: string | null): Promise<DatabaseHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  if (dir) await mkdir(dir, { recursive: true });
  const client = dir ? new PGlite(dir) : new PGlite();
  const db = drizzle({ client, schema }) as unknown as Database;
  await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    kind: "pglite",
    close: () => client.close(),
  };
}

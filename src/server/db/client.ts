import "server-only";
import path from "node:path";
import { mkdir, readFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
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

let latestMigrationAt: Promise<number> | null = null;

/**
 * Throws unless the database answers and has every migration in `drizzle/` applied (drizzle
 * records each one's journal time in `drizzle.__drizzle_migrations`). Readiness asks this, not
 * `select 1`: an instance on a Postgres nobody ran `db:migrate` on answers, and then fails every
 * sign-in.
 */
export async function assertSchemaCurrent(db: Database): Promise<void> {
  latestMigrationAt ??= readFile(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8").then((text) =>
    Math.max(...(JSON.parse(text) as { entries: { when: number }[] }).entries.map((e) => e.when)),
  );
  const expected = await latestMigrationAt;
  const result = (await db.execute(sql`select max(created_at) as at from drizzle.__drizzle_migrations`)) as unknown as {
    rows: { at: string | number | null }[];
  };
  const applied = Number(result.rows[0]?.at ?? 0);
  if (applied < expected) throw new Error(`the database schema is behind drizzle/ (run npm run db:migrate)`);
}

/** Default bound of one query (ms): `DATABASE_QUERY_TIMEOUT` in env.ts. */
export const DEFAULT_QUERY_TIMEOUT_MS = 5_000;

/**
 * Connect to Postgres at `url`. Migrations are applied by `npm run db:migrate`, or here when asked.
 * Every wait is bounded, so a Postgres that stops answering fails requests with 503 instead of
 * hanging them (instructions/safety-and-operations.md "Every dependency failure is a 503"):
 * `statement_timeout` makes the server cancel a query (57014) after `queryTimeoutMs`, including
 * one waiting for a lock; `query_timeout` fails it in the client one second later if the server
 * does not answer at all; `connectionTimeoutMillis` bounds the wait for a connection or a free
 * pool slot; an idle-in-transaction session is ended so it cannot hold locks for ever.
 */
export async function openPostgres(
  url: string,
  opts: { migrate?: boolean; max?: number; queryTimeoutMs?: number } = {},
): Promise<DatabaseHandle> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  // 0: no query bound (migrations, which may legitimately run long)
  const queryTimeoutMs = opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const bounds =
    queryTimeoutMs > 0
      ? {
          statement_timeout: queryTimeoutMs,
          query_timeout: queryTimeoutMs + 1_000,
          idle_in_transaction_session_timeout: Math.max(10_000, queryTimeoutMs * 2),
        }
      : {};
  const pool = new Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 5_000, ...bounds });
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

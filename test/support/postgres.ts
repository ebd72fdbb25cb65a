/** A fresh, migrated Postgres database per test file on the real server; dropped afterwards. */
import pg from "pg";
import { openPostgres, type DatabaseHandle } from "@/server/db/client";
import { TEST_DATABASE_URL, uniqueNamespace } from "./services";

export interface TestDatabase {
  url: string;
  name: string;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

/**
 * On the shared test server, or on `serverUrl` (an admin URL: a benchmark's private cluster);
 * `migrate: false` leaves it empty, as a Postgres nobody ran `db:migrate` on.
 */
export async function createTestDatabase(
  label = "mm",
  serverUrl = TEST_DATABASE_URL,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = uniqueNamespace(`${label}_`).toLowerCase();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openPostgres(url.toString(), { migrate, max: 5 });
  return {
    url: url.toString(),
    name,
    handle,
    async drop() {
      await handle.close().catch(() => {});
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

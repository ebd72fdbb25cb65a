/** `npm run db:migrate`: apply drizzle/ migrations to DATABASE_URL (or the embedded PGlite). */
import { openPglite, openPostgres } from "../src/server/db/client";

async function main() {
  const url = process.env.DATABASE_URL;
  const handle = url
    ? await openPostgres(url, { migrate: true, max: 1, queryTimeoutMs: 0 })
    : await openPglite(`${process.env.DATA_DIR ?? ".data"}/pglite`);
  console.log(`migrations applied (${handle.kind})`);
  await handle.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * A private Postgres cluster for the fault run (like private-redis.ts for Redis), so stopping
 * the server under load never disturbs other engineers' tests on the shared 5432: Debian's
 * `initdb` into a temp dir, `pg_ctl` on its own port, trust auth on 127.0.0.1 only. Postgres
 * refuses to run as root, so as root the cluster belongs to (and runs as) the `postgres` OS user.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface PrivatePostgres {
  /** Admin URL (database `postgres`, user `postgres`). */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: every backend is told 57P01 and its connection closed; the data stays. */
  stopFast(): Promise<void>;
  /** Start again on the same port and data dir; resolves once it accepts queries. */
  start(): Promise<void>;
  /** Stop and delete the cluster. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, "bin", "pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no Postgres server binaries under ${root} (apt-get install postgresql)`);
  return path.join(root, versions[0]!, "bin");
}

async function portFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const srv = net.createServer().once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export async function startPrivatePostgres(preferredPort = 5490): Promise<PrivatePostgres> {
  let port = preferredPort;
  while (!(await portFree(port))) if (++port > preferredPort + 50) throw new Error(`no free port from ${preferredPort}`);
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  // Asynchronous: the bench's own event loop keeps reading streams while the server stops or starts.
  const run = async (tool: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]]
      : [path.join(bin, tool), args];
    await promisify(execFile)(file, argv, { cwd: dir });
  };
  await run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // Its own socket dir (not /var/run/postgresql, which the shared server uses); loopback only.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;

  async function start() {
    await run("pg_ctl", ["-D", data, "-o", serverOptions, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      try {
        await probe.connect();
        await probe.query("select 1");
        await probe.end();
        return;
      } catch {
        await probe.end().catch(() => {});
        if (Date.now() > deadline) throw new Error(`private postgres on ${port} did not accept queries`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function stopFast() {
    await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  }

  await start();
  return {
    url,
    port,
    stopFast,
    start,
    async destroy() {
      try {
        await stopFast();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private redis-server for the fault run, so killing its clients or restarting it never
 * disturbs other engineers' tests on the shared 6379. Append-only file in a temp dir, so a
 * graceful restart keeps the live state like a real deployment with persistence would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Redis from "ioredis";

export interface PrivateRedis {
  url: string;
  port: number;
  /** SHUTDOWN (the AOF is flushed) and start again on the same port and data dir. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 200; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer().once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port from ${from}`);
}

export async function startPrivateRedis(preferredPort = 6390): Promise<PrivateRedis> {
  const port = await freePort(preferredPort + Math.floor(Math.random() * 50));
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function launch() {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--maxclients",
        "10000",
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error(`private redis on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function shutdown() {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    const admin = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on("error", () => {});
    await admin.call("SHUTDOWN").catch(() => {}); // the connection drops as the server exits
    admin.disconnect();
    const timer = setTimeout(() => c.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  await launch();
  return {
    url,
    port,
    async restart(downMs = 500) {
      await shutdown();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Memory per idle SSE connection: the server process tree's RSS (from /proc) before and after
 * opening N idle event streams, compared with a bare Node `http` SSE server measured the same way
 * in the same run. Idle streams are raw `node:http` requests (cheap for the load generator).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import { encode } from "next-auth/jwt";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS in bytes of a process and all its descendants. */
export function treeRss(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      total += kb * 1024;
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Median of a few samples, so one GC in the middle doesn't decide the figure. */
async function settledRss(pid: number, samples = 5, gapMs = 400): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    values.push(treeRss(pid));
    await sleep(gapMs);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

export interface IdleStream {
  close(): void;
}

/** Opens one idle event stream; resolves once the first event (`state`) arrived. */
export function openIdleStream(baseUrl: string, path: string, cookie: string | null): Promise<IdleStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`idle stream answered ${res.statusCode}`));
      }
      let settled = false;
      res.on("data", (chunk: Buffer) => {
        if (!settled && chunk.toString().includes("event: state")) {
          settled = true;
          resolve({ close: () => req.destroy() });
        }
      });
      res.on("error", () => {});
    });
    req.on("error", (err) => reject(err));
    req.setTimeout(30_000, () => req.destroy(new Error("idle stream: no state in 30 s")));
  });
}

/** A session cookie for a synthetic user, exactly what guest sign-in would set (the stream only decodes it). */
export async function mintSessionCookie(secret: string, userId: string, cookieName = "next-auth.session-token"): Promise<string> {
  const token = await encode({ token: { sub: userId, name: userId }, secret, maxAge: 3_600 });
  return `${cookieName}=${token}`;
}

export async function openMany(
  count: number,
  open: (i: number) => Promise<IdleStream>,
  parallel = 64,
  offset = 0,
): Promise<IdleStream[]> {
  const out: IdleStream[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        out.push(await open(offset + i));
      }
    }),
  );
  return out;
}

export interface MemoryPoint {
  streams: number;
  rssBaseMb: number;
  rssMb: number;
  bytesPerConnection: number;
  /** V8 heap in use per stream (includes garbage not yet collected), when the server reports it. */
  heapBytesPerConnection: number | null;
  /** RSS growth over `creepSeconds` with the streams idle (timers, heartbeats), bytes per stream. */
  creepBytesPerConnection?: number;
  creepSeconds?: number;
}

/** `nodejs_heap_size_used_bytes` from the app's Prometheus endpoint. */
export async function appHeapUsed(baseUrl: string, token: string): Promise<number | null> {
  try {
    const res = await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    const m = /^nodejs_heap_size_used_bytes\s+([\d.e+]+)/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Opens streams up to each count in `counts` (cumulative) and reports RSS growth per stream. */
export async function measureIdleStreams(
  pid: number,
  counts: number[],
  open: (i: number) => Promise<IdleStream>,
  options: { heap?: () => Promise<number | null>; creepSeconds?: number } = {},
): Promise<MemoryPoint[]> {
  const heap = options.heap ?? (async () => null);
  // Warm-up: the route's code paths and buffers are loaded before the baseline.
  const warm = await openMany(50, open, 25, 1_000_000);
  warm.forEach((s) => s.close());
  await sleep(1_500);
  const base = await settledRss(pid);
  const heapBase = await heap();
  const points: MemoryPoint[] = [];
  const streams: IdleStream[] = [];
  for (const count of [...counts].sort((a, b) => a - b)) {
    streams.push(...(await openMany(count - streams.length, open, 64, streams.length)));
    await sleep(1_500);
    const rss = await settledRss(pid);
    const heapNow = await heap();
    points.push({
      streams: count,
      rssBaseMb: base / 2 ** 20,
      rssMb: rss / 2 ** 20,
      bytesPerConnection: Math.round((rss - base) / count),
      heapBytesPerConnection: heapBase !== null && heapNow !== null ? Math.round((heapNow - heapBase) / count) : null,
    });
  }
  const last = points[points.length - 1];
  if (last && options.creepSeconds) {
    const start = treeRss(pid);
    await sleep(options.creepSeconds * 1000);
    last.creepBytesPerConnection = Math.round((treeRss(pid) - start) / last.streams);
    last.creepSeconds = options.creepSeconds;
  }
  streams.forEach((s) => s.close());
  await sleep(500);
  return points;
}

const BARE_SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
  res.write('retry: 3000\\n\\nid: 0\\nevent: state\\ndata: {"status":"idle"}\\n\\n');
  const timer = setInterval(() => res.write(": keep-alive\\n\\n"), 15000);
  req.on("close", () => clearInterval(timer));
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

/** A plain Node SSE server (headers, one event, a 15 s keep-alive) in its own process. */
export async function startBareSseServer(): Promise<{ url: string; pid: number; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, ["-e", BARE_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
    child.once("exit", (code) => reject(new Error(`bare SSE server exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

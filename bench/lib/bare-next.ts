/**
 * A bare Next.js SSE route (no auth, no store, no bus: headers, one event, a 15 s keep-alive),
 * built and started outside the repository, so the app's memory per stream can be compared with
 * what the framework alone costs in the same run. Built once per Next version into a temp dir
 * (webpack: Turbopack refuses a node_modules symlinked from outside its root).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startNextServer, type AppProcess } from "@test/support/app-process";
import { ROOT } from "./build";

const ROUTE = `export const dynamic = "force-dynamic";
export const runtime = "nodejs";
export function GET(request) {
  const enc = new TextEncoder();
  let timer;
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(enc.encode('retry: 3000\\n\\nid: 0\\nevent: state\\ndata: {"status":"idle"}\\n\\n'));
      timer = setInterval(() => controller.enqueue(enc.encode(": keep-alive\\n\\n")), 15000);
      request.signal.addEventListener("abort", () => clearInterval(timer));
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
`;

function ensureBareNextBuilt(): string {
  const version = JSON.parse(readFileSync(path.join(ROOT, "node_modules/next/package.json"), "utf8")).version as string;
  const dir = path.join(os.tmpdir(), `bench-bare-next-${version}`);
  if (existsSync(path.join(dir, ".next", "BUILD_ID"))) return dir;
  mkdirSync(path.join(dir, "app/api/stream"), { recursive: true });
  writeFileSync(path.join(dir, "app/api/stream/route.js"), ROUTE);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-bare-next", private: true }));
  if (!existsSync(path.join(dir, "node_modules"))) symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build", "--webpack"], {
    cwd: dir,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`bare Next build failed:\n${result.stdout}\n${result.stderr}`);
  return dir;
}

/** Starts the bare Next server (`next start`, production) on `port`; its stream is GET /api/stream. */
export async function startBareNext(port: number): Promise<AppProcess> {
  return startNextServer({ cwd: ensureBareNextBuilt(), port, readyPath: "/api/stream", label: "bare Next" });
}

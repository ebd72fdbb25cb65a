/**
 * Makes sure a production build of the current sources exists: waits for a build another
 * engineer started, and builds once when `.next/BUILD_ID` is missing or older than the sources.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
const SOURCES = ["src", "middleware.ts", "next.config.ts", "package.json", "drizzle"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildRunning(): boolean {
  try {
    execFileSync("pgrep", ["-f", "next build"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export async function ensureBuilt(log: (line: string) => void): Promise<void> {
  while (buildRunning()) {
    log("waiting for a running `next build` to finish…");
    await new Promise((r) => setTimeout(r, 3_000));
  }
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const sourcesAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= sourcesAt) return;
  log("building (`npx next build`)…");
  const result = spawnSync("npx", ["next", "build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

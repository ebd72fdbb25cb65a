/**
 * Time to face, A against B:  npm run bench:call:ab
 *
 * On a shared 2-core machine, two `bench:call` runs of the same build minutes apart differ by
 * hundreds of milliseconds (instructions/performance.md), more than most changes we want to
 * price. This runs the two variants in alternating blocks (A B, B A, A B, …: a drift in the
 * machine's speed lands on both equally), BENCH_AB_BLOCKS blocks of one run each per variant,
 * BENCH_CALLS calls per run, and compares them two ways: pooled over all of a variant's sides,
 * and paired, block by block (B's p50 minus A's p50 of the runs next to each other in time).
 *
 * A variant is environment for bench/call.ts: `BENCH_AB_A` / `BENCH_AB_B` as JSON objects
 * (defaults: REVEAL_MODE open against consent, the cost issue 16 asks about), e.g.
 * BENCH_AB_B='{"REVEAL_MODE":"open","BENCH_CALL_CSS":".stage__self video{display:none}"}'.
 * To price a code change, `BENCH_AB_CHECKOUT` in a variant names another checkout (a
 * `git worktree` of the commit before, with this one's node_modules linked in): that variant
 * runs that checkout's own bench/call.ts against its own production build.
 * The last line is `RESULT {json}` (a, b, diffP50Ms, pairedDiffP50Ms, …).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ensureBuilt, ROOT } from "./lib/build";
import { conditions, log, writeResult } from "./lib/report";
import { summarize, type Summary } from "./lib/stats";

type Variant = Record<string, string>;

function variant(name: string, fallback: Variant): Variant {
  const raw = process.env[name];
  if (!raw) return fallback;
  const parsed: unknown = JSON.parse(raw);
  if (!parsed || typeof parsed !== "object" || Object.values(parsed).some((v) => typeof v !== "string"))
    throw new Error(`${name}: a JSON object of environment variables (string values), not ${raw}`);
  return parsed as Variant;
}

const A = variant("BENCH_AB_A", { REVEAL_MODE: "open" });
const B = variant("BENCH_AB_B", { REVEAL_MODE: "consent" });
const BLOCKS = Number(process.env.BENCH_AB_BLOCKS ?? 4);
const CALLS = process.env.BENCH_CALLS ?? "20";

interface Run {
  variant: "a" | "b";
  faceP50Ms: number;
  faceP95Ms: number;
  calls: number;
  failures: number;
  faces: number[];
  file: string;
}

/** One bench:call run with the variant's environment; its per-side faces from the file it writes. */
function runOnce(label: "a" | "b", env: Variant): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { BENCH_AB_CHECKOUT: checkout, ...rest } = env;
    const child = spawn("npx", ["tsx", "--conditions=react-server", "bench/call.ts"], {
      cwd: checkout ? path.resolve(checkout) : ROOT,
      env: { ...process.env, ...rest, BENCH_CALLS: CALLS },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      for (const line of chunk.toString().split("\n"))
        if (line.trim() && !line.startsWith("RESULT ")) process.stdout.write(`  ${label}| ${line}\n`);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const result = out.split("\n").find((l) => l.startsWith("RESULT "));
      const file = /written (\S+\.json)/.exec(out)?.[1];
      if (code !== 0 || !result || !file) return reject(new Error(`bench:call (${label}) exited ${code} without a result`));
      const parsed = JSON.parse(result.slice("RESULT ".length)) as {
        faceP50Ms: number;
        faceP95Ms: number;
        calls: number;
        failures: number;
      };
      const { perSide } = JSON.parse(readFileSync(file, "utf8")) as { perSide: { clickToFaceMs: number | null }[] };
      const faces = perSide.flatMap((s) => (s.clickToFaceMs === null ? [] : [s.clickToFaceMs]));
      resolve({ variant: label, ...parsed, faces, file });
    });
  });
}

function pooled(runs: Run[]): { face: Summary; calls: number; failures: number } {
  return {
    face: summarize(runs.flatMap((r) => r.faces)),
    calls: runs.reduce((s, r) => s + r.calls, 0),
    failures: runs.reduce((s, r) => s + r.failures, 0),
  };
}

async function main() {
  const before = conditions();
  await ensureBuilt(log);
  log(`A ${JSON.stringify(A)} against B ${JSON.stringify(B)}: ${BLOCKS} blocks, ${CALLS} calls per run`);
  const runs: Run[] = [];
  const pairs: { a: Run; b: Run }[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    const order: ("a" | "b")[] = block % 2 ? ["b", "a"] : ["a", "b"];
    const done: Partial<Record<"a" | "b", Run>> = {};
    for (const label of order) {
      const run = await runOnce(label, label === "a" ? A : B);
      done[label] = run;
      runs.push(run);
      log(
        `block ${block + 1} ${label}: face p50 ${run.faceP50Ms}, p95 ${run.faceP95Ms} ms (${run.calls} calls, ${run.failures} failures)`,
      );
    }
    pairs.push({ a: done.a!, b: done.b! });
  }
  const a = pooled(runs.filter((r) => r.variant === "a"));
  const b = pooled(runs.filter((r) => r.variant === "b"));
  const pairedDiffP50Ms = pairs.map((p) => Math.round(p.b.faceP50Ms - p.a.faceP50Ms));
  const meanPairedDiffP50Ms = Math.round(pairedDiffP50Ms.reduce((s, d) => s + d, 0) / pairedDiffP50Ms.length);
  const diffP50Ms = Math.round(b.face.p50 - a.face.p50);
  const diffP95Ms = Math.round(b.face.p95 - a.face.p95);
  log(`A pooled: face p50 ${a.face.p50}, p95 ${a.face.p95} ms over ${a.face.count} sides`);
  log(`B pooled: face p50 ${b.face.p50}, p95 ${b.face.p95} ms over ${b.face.count} sides`);
  log(`B − A: p50 ${diffP50Ms} ms pooled; paired by block ${pairedDiffP50Ms.join(", ")} (mean ${meanPairedDiffP50Ms}) ms`);
  const result = {
    bench: "call-ab",
    a: { env: A, faceP50Ms: a.face.p50, faceP95Ms: a.face.p95, calls: a.calls, failures: a.failures },
    b: { env: B, faceP50Ms: b.face.p50, faceP95Ms: b.face.p95, calls: b.calls, failures: b.failures },
    diffP50Ms,
    diffP95Ms,
    pairedDiffP50Ms,
    meanPairedDiffP50Ms,
    runs: runs.map(({ variant, faceP50Ms, faceP95Ms, calls, failures, file }) => ({
      variant,
      faceP50Ms,
      faceP95Ms,
      calls,
      failures,
      file: path.relative(ROOT, file),
    })),
    config: { blocks: BLOCKS, callsPerRun: Number(CALLS) },
    conditions: { before, after: conditions() },
  };
  log(`written ${writeResult("call-ab-", result)}`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

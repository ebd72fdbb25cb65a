/** Run conditions and result files shared by the benches. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { ROOT } from "./build";

/**
 * Milliseconds to SHA-256 64 MiB on one core: tells a slower or busier machine from a slower
 * build when figures of different days are compared (instructions/performance.md).
 */
function cpuProbeMs(): number {
  const data = Buffer.alloc(64 * 2 ** 20, 1);
  const started = performance.now();
  createHash("sha256").update(data).digest();
  return Math.round(performance.now() - started);
}

/** What else was running: the numbers of a shared 2-core machine mean little without it. */
export function conditions() {
  let otherNodeProcesses = -1;
  try {
    const out = execFileSync("ps", ["-eo", "pid,ppid,pcpu,comm"], { encoding: "utf8" });
    otherNodeProcesses = out.split("\n").filter((l) => /\snode$|\snext-server|\schromium/.test(l)).length;
  } catch {
    // ps missing
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadavg1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
    nodeProcessesOnMachine: otherNodeProcesses,
    cpuProbeMs: cpuProbeMs(),
  };
}

export function writeResult(prefix: string, result: unknown): string {
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  return file;
}

export const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by a process tree (utime + stime from /proc). */
export function treeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + processCpuSeconds(p), 0);
}

/** `pid` and all its descendants (those alive now). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
      out.push(p);
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU seconds used so far by one process (utime + stime), 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((s, v) => s + v, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/** Direct children of `pid` whose command name matches (e.g. the Chromium this bench launched). */
export function childPidsNamed(pid: number, name: RegExp): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)) {
      try {
        if (name.test(readFileSync(`/proc/${child}/comm`, "utf8").trim())) out.push(child);
      } catch {
        // gone
      }
    }
  }
  return out;
}

/** Pids whose command line contains `needle` (e.g. the Postgres backends of one database). */
export function pidsMatching(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").includes(needle)) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * CPU use during a phase: per named process group (in cores, 1.0 = one core busy) and the whole
 * machine's busy share — who was the bottleneck, and how much of the machine others used.
 * Groups are pid lists resolved at the start (e.g. this run's Postgres backends).
 */
export function cpuMeter(groups: Record<string, number | number[]>) {
  const lists = Object.entries(groups).map(([k, v]) => [k, Array.isArray(v) ? v : [v]] as const);
  const used = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  const start = {
    at: performance.now(),
    machine: machineTicks(),
    self: process.cpuUsage(),
    procs: Object.fromEntries(lists.map(([k, pids]) => [k, used(pids)])),
  };
  return () => {
    const secs = (performance.now() - start.at) / 1000;
    const m = machineTicks();
    const self = process.cpuUsage(start.self);
    const cores: Record<string, number> = { bench: Math.round(((self.user + self.system) / 1e6 / secs) * 100) / 100 };
    for (const [k, pids] of lists) cores[k] = Math.round(((used(pids) - start.procs[k]!) / secs) * 100) / 100;
    const machineBusyShare = Math.round(((m.busy - start.machine.busy) / (m.total - start.machine.total)) * 100) / 100;
    const ours = Object.values(cores).reduce((a, b) => a + b, 0);
    return { cores, machineBusyShare, otherCores: Math.round((machineBusyShare * cpus().length - ours) * 100) / 100 };
  };
}

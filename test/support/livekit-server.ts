/**
 * The real LiveKit server (scripts/livekit.sh) as a child process for tests and benchmarks:
 * loopback only, its own ports, auto_create off, webhooks to a URL of the caller's.
 * There is no skip path: if the binary cannot be had, start() throws and the test fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface LivekitServerOptions {
  port: number;
  rtcPort: number;
  tcpPort: number;
  apiKey: string;
  /** ≥ 32 characters, as production requires. */
  apiSecret: string;
  webhookUrl?: string;
}

export interface LivekitServer {
  /** http://127.0.0.1:port (RoomService, readiness). */
  url: string;
  /** ws://127.0.0.1:port (browsers, LIVEKIT_URL). */
  wsUrl: string;
  /** The server process (scripts/livekit.sh execs it), e.g. to measure its CPU. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "livekit.sh");
/** The first start may build the binary (minutes); later starts take about a second. */
const READY_TIMEOUT_MS = Number(process.env.LIVEKIT_READY_TIMEOUT_MS ?? 600_000);

export function livekitStartArgs(o: LivekitServerOptions): string[] {
  const args = [
    "start",
    "--port",
    `${o.port}`,
    "--rtc-port",
    `${o.rtcPort}`,
    "--tcp-port",
    `${o.tcpPort}`,
    "--key",
    o.apiKey,
    "--secret",
    o.apiSecret,
  ];
  if (o.webhookUrl) args.push("--webhook", o.webhookUrl);
  return args;
}

export async function startLivekitServer(options: LivekitServerOptions): Promise<LivekitServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const child: ChildProcess = spawn("bash", [SCRIPT, ...livekitStartArgs(options)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = code ?? -1;
      resolve();
    }),
  );

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) throw new Error(`livekit-server exited (${exited}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`livekit-server was not ready at ${url} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (exited !== null) return;
      // SIGTERM waits for connected participants; a second signal forces.
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exit;
      clearTimeout(forced);
    },
  };
}

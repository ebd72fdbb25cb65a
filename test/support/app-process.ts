/**
 * Starts production app instances (`next start` of the existing build) as child processes, and
 * a small HTTP client that signs in as a guest and keeps its cookie. Used by the multi-instance
 * integration tests and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npx next build` first (`npm test` does it before the integration tests).");
  }
}

export async function startApp(port: number, env: Record<string, string>, nodeArgs: string[] = []): Promise<AppProcess> {
  assertBuilt();
  return startNextServer({
    cwd: ROOT,
    port,
    env: { LOG_LEVEL: "warn", ...env },
    nodeArgs,
    readyPath: "/api/health?ready=1",
    label: `app on ${port}`,
  });
}

/** `next start` of the build in `cwd`, resolved once `readyPath` answers 2xx (60 s at most). */
export async function startNextServer(options: {
  cwd: string;
  port: number;
  readyPath: string;
  label: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<AppProcess> {
  const { cwd, port, readyPath, label } = options;
  const next = path.join(ROOT, "node_modules/next/dist/bin/next");
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), next, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd,
    env: { ...process.env, NODE_ENV: "production", ...(options.env ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}${readyPath}`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${label} not ready in 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    child,
    output: () => out,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}

/** A scripted browser-less user: guest sign-in, then JSON calls with the session cookie. */
export class ApiClient {
  cookie = "";
  userId = "";
  constructor(public baseUrl: string) {}

  async signIn(nickname: string): Promise<this> {
    const csrfRes = await fetch(`${this.baseUrl}/api/auth/csrf`);
    this.absorbCookies(csrfRes);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const res = await fetch(`${this.baseUrl}/api/auth/callback/guest`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookie },
      body: new URLSearchParams({ csrfToken, nickname, json: "true" }),
      redirect: "manual",
    });
    this.absorbCookies(res);
    if (!this.cookie.includes("session-token")) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const session = (await (await this.get("/api/auth/session")).json()) as { user: { id: string } };
    this.userId = session.user.id;
    return this;
  }

  /** Switch instance, keeping the identity (a load balancer sending the user elsewhere). */
  via(baseUrl: string): ApiClient {
    const other = new ApiClient(baseUrl);
    other.cookie = this.cookie;
    other.userId = this.userId;
    return other;
  }

  get(p: string, headers: Record<string, string> = {}, signal?: AbortSignal) {
    return fetch(`${this.baseUrl}${p}`, { headers: { cookie: this.cookie, ...headers }, signal });
  }

  post(p: string, body: unknown = {}) {
    return fetch(`${this.baseUrl}${p}`, {
      method: "POST",
      headers: { cookie: this.cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  async json<T = any>(p: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = body === undefined ? await this.get(p) : await this.post(p, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  private absorbCookies(res: Response) {
    const jar = new Map(this.cookie ? this.cookie.split("; ").map((c) => c.split(/=(.*)/s).slice(0, 2) as [string, string]) : []);
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split(/=(.*)/s) as [string, string];
      jar.set(name.trim(), value);
    }
    this.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

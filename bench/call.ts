/**
 * Time to face:  npm run bench:call
 *
 * What a stranger feels most: the time from pressing Start/Next (or "Find the next person") to
 * the first frame of the new partner's camera on screen. Real everything: a production build
 * (`next start`, embedded defaults), the real LiveKit server (scripts/livekit.sh) and Debian's
 * Chromium with fake cameras, BENCH_CALL_PAIRS pairs of people (one browser each, or one context
 * each in a shared browser: BENCH_CALL_BROWSERS).
 *
 * Each round, one person of every call presses Next and, as soon as their partner sees the
 * "ended" overlay, the partner presses "Find the next person"; everyone is matched again and
 * waits for the new partner's face. Per call and side the page's own User Timing marks
 * (src/components/video-chat/call-timing.ts) give click → matched, matched → room connected and
 * click → first decoded remote frame. A side whose partner's video does not arrive within
 * BENCH_CALL_FACE_TIMEOUT_MS is a failure. Prints p50/p95/max and CPU per process; the last
 * line is `RESULT {json}` (faceP50Ms, faceP95Ms, calls, failures, …).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM } from "../e2e/env";
import { watchPeerConnections } from "../e2e/media";
import { CALL_MARKS } from "@/components/video-chat/call-timing";
import { startNextServer, type AppProcess } from "@test/support/app-process";
import { startLivekitServer, type LivekitServer } from "@test/support/livekit-server";
import { ensureBuilt, ROOT } from "./lib/build";
import { childPidsNamed, conditions, cpuMeter, log, processCpuSeconds, processTree, writeResult } from "./lib/report";
import { summarize } from "./lib/stats";

const CALLS = Number(process.env.BENCH_CALLS ?? 40);
const PAIRS = Number(process.env.BENCH_CALL_PAIRS ?? 2);
const HOLD_MS = Number(process.env.BENCH_CALL_HOLD_MS ?? 1_500);
const FACE_TIMEOUT_MS = Number(process.env.BENCH_CALL_FACE_TIMEOUT_MS ?? 15_000);
const APP_PORT = Number(process.env.BENCH_CALL_APP_PORT ?? 3190);
const LIVEKIT_PORT = Number(process.env.BENCH_CALL_LIVEKIT_PORT ?? 17890);
/** A file for a CPU profile of the first person's page during the second round's hold (DevTools format). */
const PROFILE = process.env.BENCH_CALL_PROFILE;
/** A DevTools CPU profile of one page from the second round's press to its new partner's face. */
const PROFILE_SETUP = process.env.BENCH_CALL_PROFILE_SETUP;
/** Read each call's WebRTC stats once its face shows: key frames, PLIs, jitter buffer (what the first frame waited for). */
const RTC_STATS = process.env.BENCH_CALL_RTC_STATS === "1";
/**
 * "person" (default): one browser per person, as strangers are, each with its own GPU, audio and
 * network processes; "shared": one browser, a context per person (those processes shared).
 */
const BROWSERS = process.env.BENCH_CALL_BROWSERS ?? "person";
/** Extra CSS injected into every page: measures what a style costs (e.g. hiding the self-preview). */
const EXTRA_CSS = process.env.BENCH_CALL_CSS;
const LIVEKIT = { key: "bench-call-key", secret: "bench-call-secret-0123456789abcdef0123456789" };
const METRICS_TOKEN = "bench-call-metrics-token";

/** The page's call-timing marks, as epoch milliseconds so pages' clocks compare. */
interface Marks {
  asked: number[];
  /** Per session: the first time of each mark (a reconnect marks "connected" again). */
  sessions: Record<string, Partial<Record<SessionMark, number>>>;
}
type SessionMark = Exclude<keyof typeof CALL_MARKS, "asked">;

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
}

/** One side of one call; null where the moment never came. */
interface Side {
  person: string;
  sessionId: string;
  clickToMatchedMs: number;
  matchedToConnectedMs: number | null;
  matchedToSignalMs: number | null;
  /** The match arriving (event or answer) → its call view showing: React's render, paint and effects. */
  arrivedToViewMs: number | null;
  /** The match arriving → the signal's join answered (the connect begins on arrival). */
  arrivedToSignalMs: number | null;
  connectedToPublishedMs: number | null;
  matchedToPartnerSubscribedMs: number | null;
  subscribedToFrameMs: number | null;
  /** The partner's camera subscribed → its <video> element mounted (React's render of it). */
  subscribedToVideoMs: number | null;
  /** The <video> element mounted → its first frame shown (the key frame's way and decoding). */
  videoToFrameMs: number | null;
  clickToFaceMs: number | null;
}

async function readMarks(page: Page): Promise<Marks> {
  const names = Object.fromEntries(Object.entries(CALL_MARKS).map(([key, name]) => [name, key]));
  return page.evaluate((names) => {
    const out: Marks = { asked: [], sessions: {} };
    const origin = performance.timeOrigin;
    for (const entry of performance.getEntriesByType("mark") as PerformanceMark[]) {
      const key = names[entry.name] as keyof typeof CALL_MARKS | undefined;
      if (!key) continue;
      const at = origin + entry.startTime;
      if (key === "asked") {
        out.asked.push(at);
        continue;
      }
      const sessionId = (entry.detail as { sessionId?: string | null } | null)?.sessionId;
      if (!sessionId) continue;
      const s = (out.sessions[sessionId] ??= {});
      s[key] ??= at;
    }
    return out;
  }, names);
}

async function currentSessionId(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const response = await fetch("/api/matching/status");
    const body = (await response.json()) as { status: string; session?: { id: string } };
    return body.status === "in_session" ? body.session!.id : null;
  });
}

/**
 * Waits in the page for the call-timing mark `name` of a session `wanted` accepts; its session id,
 * or null after `timeoutMs`. A PerformanceObserver (buffered: a mark already set counts), so the
 * wait costs the pages nothing: polling four pages from here every 50 ms would itself load the
 * machine the figures are measured on.
 */
async function awaitMark(
  page: Page,
  name: string,
  wanted: { is: string } | { notIn: string[] },
  timeoutMs: number,
): Promise<string | null> {
  // no named functions in here: tsx would wrap them in a helper the page does not have
  return page.evaluate(
    ({ name, wanted, timeoutMs }) => {
      let observer: PerformanceObserver | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      return new Promise<string | null>((resolve) => {
        observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            const id = (entry as PerformanceMark).detail?.sessionId as string | null | undefined;
            if (entry.name !== name || !id) continue;
            if ("is" in wanted ? id === wanted.is : !wanted.notIn.includes(id)) return resolve(id);
          }
        });
        timer = setTimeout(() => resolve(null), timeoutMs);
        observer.observe({ type: "mark", buffered: true });
      }).finally(() => {
        observer?.disconnect();
        clearTimeout(timer);
      });
    },
    { name, wanted, timeoutMs },
  );
}

/**
 * The pages' own Resource Timing of their Start (`enqueue`) and Next (`skip`) requests: the whole
 * request, the wait from sending it to the answer's first byte, and the route's own time within
 * that wait (its Server-Timing): tells the server's part of click → matched from the pages'.
 */
async function startNextRequests(people: Person[]) {
  const entries = (
    await Promise.all(
      people.map((p) =>
        p.page.evaluate(() =>
          (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
            .filter((e) => /\/api\/matching\/(enqueue|skip)$/.test(new URL(e.name).pathname))
            .map((e) => ({
              total: e.responseEnd - e.startTime,
              wait: e.responseStart - e.requestStart,
              server: e.serverTiming.find((t) => t.name === "app")?.duration ?? NaN,
            })),
        ),
      ),
    )
  ).flat();
  return {
    count: entries.length,
    totalMs: summarize(entries.map((e) => e.total)),
    waitMs: summarize(entries.map((e) => e.wait)),
    serverMs: summarize(entries.map((e) => e.server).filter((d) => !Number.isNaN(d))),
  };
}

/** The app's event-loop delay since the last read (prom-client's default metrics, in ms). */
async function eventLoopLag(appUrl: string) {
  const response = await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!response.ok) throw new Error(`/api/metrics answered ${response.status}`);
  const text = await response.text();
  const read = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]) * 10_000) / 10;
  return {
    p50Ms: read("nodejs_eventloop_lag_p50_seconds"),
    p99Ms: read("nodejs_eventloop_lag_p99_seconds"),
    maxMs: read("nodejs_eventloop_lag_max_seconds"),
  };
}

/** The current call's video stats on one page (its newest open peer connection). */
async function callRtcStats(page: Page) {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const pc = all.filter((c) => c.connectionState !== "closed").at(-1);
    if (!pc) return null;
    const out = { keyFramesDecoded: 0, pliSent: 0, jitterBufferMsPerFrame: 0, keyFramesEncoded: 0, pliReceived: 0 };
    (await pc.getStats()).forEach((s: Record<string, number | string>) => {
      if (s.kind !== "video") return;
      if (s.type === "inbound-rtp") {
        out.keyFramesDecoded += Number(s.keyFramesDecoded ?? 0);
        out.pliSent += Number(s.pliCount ?? 0);
        const emitted = Number(s.jitterBufferEmittedCount ?? 0);
        if (emitted) out.jitterBufferMsPerFrame = (Number(s.jitterBufferDelay ?? 0) / emitted) * 1000;
      }
      if (s.type === "outbound-rtp") {
        out.keyFramesEncoded += Number(s.keyFramesEncoded ?? 0);
        out.pliReceived += Number(s.pliCount ?? 0);
      }
    });
    return out;
  });
}

/** The sessions this page has shown so far (to tell the next one from them). */
async function knownSessions(person: Person): Promise<string[]> {
  return Object.keys((await readMarks(person.page)).sessions);
}

/** Waits until the page shows a call not in `known` that the server says it is in; returns its id. */
async function waitForNewSession(person: Person, known: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const seen = [...known];
  for (;;) {
    const id = await awaitMark(person.page, CALL_MARKS.matched, { notIn: seen }, Math.max(0, deadline - Date.now()));
    const current = await currentSessionId(person.page);
    if (id && current === id) return id;
    if (Date.now() > deadline) throw new Error(`${person.name} got no new call in ${timeoutMs} ms (status session ${current})`);
    if (id) seen.push(id); // a call that already ended: wait for the next
  }
}

/** Waits for the first frame of the partner's camera in `sessionId` (true) or gives up (false). */
async function waitForFace(person: Person, sessionId: string): Promise<boolean> {
  return (await awaitMark(person.page, CALL_MARKS.firstFrame, { is: sessionId }, FACE_TIMEOUT_MS)) !== null;
}

function sideOf(person: string, sessionId: string, marks: Marks): Side {
  const s = marks.sessions[sessionId]!;
  const matched = s.matched!;
  // The press that led here: the last one before this call began.
  const click = marks.asked.filter((t) => t <= matched).at(-1);
  if (click === undefined) throw new Error(`${person}: no Start/Next press before session ${sessionId}`);
  const between = (from: number | undefined, to: number | undefined) =>
    from === undefined || to === undefined ? null : to - from;
  return {
    person,
    sessionId,
    clickToMatchedMs: matched - click,
    matchedToConnectedMs: between(matched, s.roomConnected),
    matchedToSignalMs: between(matched, s.signalJoined),
    arrivedToViewMs: between(s.matchArrived, matched),
    arrivedToSignalMs: between(s.matchArrived, s.signalJoined),
    connectedToPublishedMs: between(s.roomConnected, s.cameraPublished),
    matchedToPartnerSubscribedMs: between(matched, s.partnerCameraSubscribed),
    subscribedToFrameMs: between(s.partnerCameraSubscribed, s.firstFrame),
    subscribedToVideoMs: between(s.partnerCameraSubscribed, s.partnerVideoMounted),
    videoToFrameMs: between(s.partnerVideoMounted, s.firstFrame),
    clickToFaceMs: between(click, s.firstFrame),
  };
}

async function partnerOf(person: Person): Promise<string> {
  return (await person.page.getByTestId("partner-name").textContent({ timeout: 10_000 }))!.trim();
}

async function signIn(browser: Browser, url: string, name: string): Promise<Person> {
  const context = await browser.newContext({
    baseURL: url,
    viewport: { width: 1280, height: 800 },
    permissions: ["camera", "microphone"],
    reducedMotion: "reduce",
  });
  if (RTC_STATS) await watchPeerConnections(context);
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Nickname (optional)").fill(name);
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.waitForURL("**/video-chat");
  if (EXTRA_CSS) await page.addStyleTag({ content: EXTRA_CSS });
  await page.evaluate(() => performance.setResourceTimingBufferSize(10_000)); // every Start/Next request is kept
  await page.getByRole("button", { name: /^Start/ }).waitFor();
  return { name, context, page };
}

async function main() {
  const before = conditions();
  log(`conditions: ${JSON.stringify(before)}`);
  await ensureBuilt(log);
  const appUrl = `http://127.0.0.1:${APP_PORT}`;
  let livekit: LivekitServer | undefined;
  let app: AppProcess | undefined;
  const browsers: Browser[] = [];
  try {
    livekit = await startLivekitServer({
      port: LIVEKIT_PORT,
      tcpPort: LIVEKIT_PORT + 1,
      rtcPort: LIVEKIT_PORT + 2,
      apiKey: LIVEKIT.key,
      apiSecret: LIVEKIT.secret,
      webhookUrl: `${appUrl}/api/livekit/webhooks`,
    });
    app = await startNextServer({
      cwd: ROOT,
      port: APP_PORT,
      readyPath: "/api/health?ready=1",
      label: "app",
      env: {
        APP_URL: appUrl,
        AUTH_SECRET: "bench-call-auth-secret-0123456789abcdef0123",
        SINGLE_INSTANCE: "1",
        DATA_DIR: `/tmp/moodmatch-bench-call-${APP_PORT}-${Date.now()}`,
        LIVEKIT_URL: livekit.wsUrl,
        LIVEKIT_API_KEY: LIVEKIT.key,
        LIVEKIT_API_SECRET: LIVEKIT.secret,
        CRON_SECRET: "bench-call-cron-secret",
        METRICS_TOKEN: METRICS_TOKEN,
        LOG_LEVEL: "warn",
        // The same few people meet again and again, skipping every call within seconds.
        REMATCH_WINDOW: "1ms",
        SKIP_FREE: "10000",
        SIGNIN_LIMIT: "1000",
      },
    });
    log(`app ${appUrl}, LiveKit ${livekit.wsUrl}; ${PAIRS} pairs, ${CALLS} calls, hold ${HOLD_MS} ms, browsers: ${BROWSERS}`);
    if (BROWSERS !== "person" && BROWSERS !== "shared")
      throw new Error(`BENCH_CALL_BROWSERS: "person" or "shared", not "${BROWSERS}"`);
    const people: Person[] = [];
    for (let i = 0; i < PAIRS * 2; i++) {
      if (i === 0 || BROWSERS === "person") browsers.push(await chromium.launch(CHROMIUM));
      people.push(await signIn(browsers.at(-1)!, appUrl, `Bench${i + 1}`));
    }

    // Warm-up round (first page loads, first getUserMedia, JIT): not counted.
    await Promise.all(people.map((p) => p.page.getByRole("button", { name: /^Start/ }).click()));
    const sessions = new Map<string, string>(
      await Promise.all(people.map(async (p) => [p.name, await waitForNewSession(p, [], 30_000)] as const)),
    );
    await Promise.all(people.map((p) => waitForFace(p, sessions.get(p.name)!)));
    // … and a Next round: the app's first Skip after starting stalled its event loop for up to
    // 0.5 s (the first use of that path), which a measured round would otherwise carry.
    await nextRound(people, 0);

    const sides: Side[] = [];
    let failures = 0;
    let calls = 0;
    let round = 0;
    const chromiumPids = childPidsNamed(process.pid, /chrom/);
    const meter = cpuMeter({ app: app.child.pid!, livekit: livekit.pid, chromium: chromiumPids });
    const chromiumMeter = chromiumCpuByKind(chromiumPids);
    const rtcStats: NonNullable<Awaited<ReturnType<typeof callRtcStats>>>[] = [];
    await eventLoopLag(appUrl); // prom-client resets the lag histogram on every read: from here on
    await Promise.all(people.map((p) => p.page.evaluate(() => performance.clearResourceTimings()))); // and the requests
    const startedAt = performance.now();
    while (calls < CALLS) {
      round++;
      if (PROFILE && round === 2) await profileDuringHold(people[0]!.page, PROFILE);
      else await new Promise((r) => setTimeout(r, HOLD_MS));
      const setupProfile = PROFILE_SETUP && round === 2 ? await startProfile(people[0]!.page) : null;
      const { next, faces } = await nextRound(people, round);
      if (RTC_STATS)
        rtcStats.push(...(await Promise.all(people.map((p) => callRtcStats(p.page)))).flatMap((x) => (x ? [x] : [])));
      if (setupProfile) await setupProfile.stop(PROFILE_SETUP!);
      for (const [i, p] of people.entries()) {
        const side = sideOf(p.name, next.get(p.name)!, await readMarks(p.page));
        sides.push(side);
        if (!faces[i]) failures++;
      }
      calls += new Set(next.values()).size;
      const faceMs = sides.slice(-people.length).map((s) => (s.clickToFaceMs === null ? "none" : Math.round(s.clickToFaceMs)));
      log(`round ${round}: ${calls} calls; click → face ${faceMs.join(", ")} ms`);
    }
    const cpu = { ...meter(), chromiumByKind: chromiumMeter() };
    const seconds = (performance.now() - startedAt) / 1000;

    const faces = sides.flatMap((s) => (s.clickToFaceMs === null ? [] : [s.clickToFaceMs]));
    const face = summarize(faces);
    const phases = {
      clickToMatchedMs: summarize(sides.map((s) => s.clickToMatchedMs)),
      matchedToConnectedMs: summarize(present(sides.map((s) => s.matchedToConnectedMs))),
      matchedToSignalMs: summarize(present(sides.map((s) => s.matchedToSignalMs))),
      arrivedToViewMs: summarize(present(sides.map((s) => s.arrivedToViewMs))),
      arrivedToSignalMs: summarize(present(sides.map((s) => s.arrivedToSignalMs))),
      connectedToPublishedMs: summarize(present(sides.map((s) => s.connectedToPublishedMs))),
      matchedToPartnerSubscribedMs: summarize(present(sides.map((s) => s.matchedToPartnerSubscribedMs))),
      subscribedToFrameMs: summarize(present(sides.map((s) => s.subscribedToFrameMs))),
      subscribedToVideoMs: summarize(present(sides.map((s) => s.subscribedToVideoMs))),
      videoToFrameMs: summarize(present(sides.map((s) => s.videoToFrameMs))),
    };
    for (const [name, stats] of Object.entries(phases))
      log(`${name.padEnd(30)} p50 ${stats.p50}, p95 ${stats.p95}, max ${stats.max}`);
    const api = await startNextRequests(people);
    const lag = await eventLoopLag(appUrl);
    const rtc = RTC_STATS
      ? Object.fromEntries(
          (["keyFramesDecoded", "pliSent", "jitterBufferMsPerFrame", "keyFramesEncoded", "pliReceived"] as const).map((k) => [
            k,
            summarize(rtcStats.map((r) => r[k])),
          ]),
        )
      : null;
    if (rtc) for (const [k, v] of Object.entries(rtc)) log(`rtc ${k.padEnd(24)} p50 ${v.p50}, p95 ${v.p95}, max ${v.max}`);
    log(`the app's event loop lag over the rounds: p50 ${lag.p50Ms}, p99 ${lag.p99Ms}, max ${lag.maxMs} ms`);
    log(
      `Start/Next requests: total p50 ${api.totalMs.p50}, p95 ${api.totalMs.p95}; waiting for the answer p50 ${api.waitMs.p50}, p95 ${api.waitMs.p95}; in the route p50 ${api.serverMs.p50}, p95 ${api.serverMs.p95} ms`,
    );
    log(
      `${"clickToFaceMs".padEnd(30)} p50 ${face.p50}, p95 ${face.p95}, max ${face.max} (${faces.length} sides with video, ${failures} without)`,
    );
    log(`cpu (cores over ${seconds.toFixed(0)} s): ${JSON.stringify(cpu)}`);
    const result = {
      bench: "call",
      calls,
      sides: sides.length,
      failures,
      faceP50Ms: face.p50,
      faceP95Ms: face.p95,
      faceMaxMs: face.max,
      clickToFaceMs: face,
      ...phases,
      startNextRequests: api,
      appEventLoopLag: lag,
      rtc,
      cpu,
      seconds: Math.round(seconds),
      config: { pairs: PAIRS, holdMs: HOLD_MS, faceTimeoutMs: FACE_TIMEOUT_MS, browsers: BROWSERS, extraCss: EXTRA_CSS ?? null },
      conditions: { before, after: conditions() },
    };
    // per-side figures only in the file (bench:call:ab pools them across runs)
    const file = writeResult("call-", { ...result, perSide: sides });
    log(`written ${file}`);
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => {})));
    await app?.stop().catch(() => {});
    await livekit?.stop().catch(() => {});
  }
}

/**
 * Chromium's CPU by process kind (renderer, gpu-process, the audio and network services, the
 * browser itself), to show which part of the browser limits a call on this machine.
 */
function chromiumCpuByKind(browserPids: number[]): () => Record<string, number> {
  const kindOf = (pid: number) => {
    try {
      // Chromium rewrites its children's command lines space-separated.
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/);
      const sub = args.find((a) => a.startsWith("--utility-sub-type="))?.split("=")[1];
      const type = args.find((a) => a.startsWith("--type="))?.split("=")[1];
      return sub ? sub.replace(/\.mojom\.\w+$/, "") : (type ?? "browser");
    } catch {
      return "gone";
    }
  };
  const pids = browserPids.flatMap(processTree);
  const kinds = new Map(pids.map((pid) => [pid, kindOf(pid)]));
  const start = new Map(pids.map((pid) => [pid, processCpuSeconds(pid)]));
  const startedAt = performance.now();
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const cores: Record<string, number> = {};
    for (const pid of pids) {
      const kind = kinds.get(pid)!;
      cores[kind] = (cores[kind] ?? 0) + (processCpuSeconds(pid) - start.get(pid)!) / seconds;
    }
    return Object.fromEntries(
      Object.entries(cores)
        .map(([k, v]) => [k, Math.round(v * 100) / 100])
        .filter(([, v]) => (v as number) > 0),
    );
  };
}

/**
 * One round: in every call one side presses Next (sides alternate by round), the other "Find the
 * next person" once the ended overlay shows; waits for everyone's new call and partner's face.
 */
async function nextRound(people: Person[], round: number) {
  // Who is with whom now; alternate which side of each call presses Next.
  const byName = new Map(people.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const skippers: Person[] = [];
  const partners: Person[] = [];
  for (const p of people) {
    if (seen.has(p.name)) continue;
    const other = byName.get(await partnerOf(p))!;
    seen.add(p.name).add(other.name);
    const [skipper, partner] = round % 2 ? [p, other] : [other, p];
    skippers.push(skipper);
    partners.push(partner);
  }
  const known = new Map(await Promise.all(people.map(async (p) => [p.name, await knownSessions(p)] as const)));
  await Promise.all(skippers.map((p) => p.page.getByRole("button", { name: "Next", exact: true }).click()));
  await Promise.all(partners.map((p) => p.page.getByRole("button", { name: /^Find the next person/ }).click()));
  const next = new Map<string, string>();
  await Promise.all(people.map(async (p) => next.set(p.name, await waitForNewSession(p, known.get(p.name)!, 15_000))));
  const faces = await Promise.all(people.map((p) => waitForFace(p, next.get(p.name)!)));
  return { next, faces };
}

async function startProfile(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.start");
  const startedAt = performance.now();
  return {
    async stop(file: string) {
      const { profile } = await cdp.send("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      log(`page profile of ${Math.round(performance.now() - startedAt)} ms written to ${file}`);
      await cdp.detach();
    },
  };
}

async function profileDuringHold(page: Page, file: string) {
  const profile = await startProfile(page);
  await new Promise((r) => setTimeout(r, HOLD_MS));
  await profile.stop(file);
}

function present(values: Array<number | null>): number[] {
  return values.filter((v): v is number => v !== null);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

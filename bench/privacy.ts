/**
 * Cost of consent-first video:  npm run bench:privacy
 *
 * One Chromium page (the e2e flags: fake 960×540 camera at 15 fps, no GPU), the app's own code
 * bundled with esbuild: the blur processor (src/components/video-chat/privacy/blur-processor.ts)
 * and the nudity-guard worker (nsfw.worker.ts, tfjs + nsfwjs MobileNetV2). Three phases of
 * PHASE_SECONDS each, CPU of the whole browser process tree from /proc:
 *   1. camera only, shown in a <video>                       (the baseline)
 *   2. + the blur processor, its output shown in a <video>   (blur frame time, blur CPU)
 *   3. + the guard classifying one 224×224 frame every 2 s   (load time, inference time, guard CPU)
 * Last line: `RESULT {json}`; the same JSON in bench/results/privacy-*.json.
 */
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { CHROMIUM } from "../e2e/env";
import { ROOT } from "./lib/build";
import { conditions, log, treeCpuSeconds, writeResult } from "./lib/report";

const PHASE_SECONDS = Number(process.env.BENCH_PRIVACY_SECONDS ?? 20);

const origin = "http://127.0.0.1:9";

async function bundle(entry: string, globalName?: string): Promise<string> {
  const out = await build({
    entryPoints: [`${ROOT}/${entry}`],
    bundle: true,
    write: false,
    format: "iife",
    globalName,
    platform: "browser",
    target: "es2022",
    minify: true,
    // the worker's `new URL("@tensorflow/…wasm", import.meta.url)`: served below from node_modules
    define: { "process.env.NODE_ENV": '"production"', "import.meta.url": JSON.stringify(`${origin}/worker.js`) },
  });
  return out.outputFiles[0]!.text;
}

async function main() {
  log("bundling the blur processor and the guard worker");
  const blurJs = await bundle("src/components/video-chat/privacy/blur-processor.ts", "mmBlur");
  const workerJs = await bundle("src/components/video-chat/privacy/nsfw.worker.ts");
  const server = await chromium.launchServer({ executablePath: CHROMIUM.executablePath, args: CHROMIUM.args });
  const pid = server.process().pid!;
  const browser = await chromium.connect(server.wsEndpoint());
  try {
    const context = await browser.newContext({ permissions: ["camera"] });
    const page = await context.newPage();
    await page.route(`${origin}/**`, (route) => {
      const url = route.request().url();
      if (url.endsWith("/blur.js")) return route.fulfill({ body: blurJs, contentType: "text/javascript" });
      if (url.endsWith("/worker.js")) return route.fulfill({ body: workerJs, contentType: "text/javascript" });
      const wasm = /\/(@tensorflow\/tfjs-backend-wasm\/dist\/[\w-]+\.wasm)$/.exec(url);
      if (wasm) return route.fulfill({ body: readFileSync(`${ROOT}/node_modules/${wasm[1]}`), contentType: "application/wasm" });
      return route.fulfill({
        body: "<!doctype html><video id=cam autoplay muted></video><video id=out autoplay muted></video>",
        contentType: "text/html",
      });
    });
    await page.goto(`${origin}/`);
    await page.addScriptTag({ url: `${origin}/blur.js` });
    await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 960, height: 540, frameRate: 15 } });
      (document.getElementById("cam") as HTMLVideoElement).srcObject = stream;
      (window as unknown as { camTrack: MediaStreamTrack }).camTrack = stream.getVideoTracks()[0]!;
    });
    const cpu = async () => {
      const a = treeCpuSeconds(pid);
      const t = Date.now();
      await page.waitForTimeout(PHASE_SECONDS * 1000);
      return (treeCpuSeconds(pid) - a) / ((Date.now() - t) / 1000);
    };
    await page.waitForTimeout(3000);
    log(`phase 1: camera only, ${PHASE_SECONDS} s`);
    const baseCores = await cpu();

    await page.evaluate(async () => {
      const w = window as unknown as {
        mmBlur: { createBlurProcessor: () => { init: (o: unknown) => Promise<void>; processedTrack?: MediaStreamTrack } };
        camTrack: MediaStreamTrack;
      };
      const processor = w.mmBlur.createBlurProcessor();
      await processor.init({ kind: "video", track: w.camTrack, element: document.getElementById("cam") });
      (document.getElementById("out") as HTMLVideoElement).srcObject = new MediaStream([processor.processedTrack!]);
    });
    await page.waitForTimeout(3000);
    await page.evaluate(() =>
      Object.assign((window as unknown as { __mmBlurStats: object }).__mmBlurStats, { frames: 0, totalMs: 0, maxMs: 0 }),
    );
    log(`phase 2: + blur, ${PHASE_SECONDS} s`);
    const blurCores = await cpu();
    const blur = await page.evaluate(
      () =>
        (window as unknown as { __mmBlurStats: { frames: number; totalMs: number; maxMs: number; path: string } }).__mmBlurStats,
    );

    log("phase 3: + the guard (model load, then a frame every 2 s)");
    const load = await page.evaluate(
      (url) =>
        new Promise<{ ms: number; backend: string; inferMs: number }>((resolve, reject) => {
          const worker = new Worker(url);
          (window as unknown as { guard: Worker }).guard = worker;
          const canvas = Object.assign(document.createElement("canvas"), { width: 224, height: 224 });
          (window as unknown as { grab: () => ImageData }).grab = () => {
            const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
            ctx.drawImage(document.getElementById("cam") as HTMLVideoElement, 0, 0, 224, 224);
            return ctx.getImageData(0, 0, 224, 224);
          };
          const started = performance.now();
          worker.onmessage = (e) =>
            e.data.error
              ? reject(new Error(e.data.error))
              : resolve({ ms: performance.now() - started, backend: e.data.backend, inferMs: e.data.inferMs });
          const image = (window as unknown as { grab: () => ImageData }).grab();
          worker.postMessage({ id: 0, image }, [image.data.buffer]);
        }),
      `${origin}/worker.js`,
    );
    await page.evaluate(() => {
      const w = window as unknown as { guard: Worker; grab: () => ImageData; infers: number[] };
      w.infers = [];
      w.guard.onmessage = (e) => w.infers.push(e.data.inferMs);
      let id = 1;
      setInterval(() => {
        const image = w.grab();
        w.guard.postMessage({ id: id++, image }, [image.data.buffer]);
      }, 2000);
    });
    await page.waitForTimeout(4000);
    log(`phase 3: measuring ${PHASE_SECONDS} s`);
    const guardCores = await cpu();
    const infers = await page.evaluate(() => (window as unknown as { infers: number[] }).infers);
    const sorted = [...infers].sort((a, b) => a - b);
    const result = {
      phaseSeconds: PHASE_SECONDS,
      cores: { camera: round(baseCores), cameraBlur: round(blurCores), cameraBlurGuard: round(guardCores) },
      blur: {
        path: blur.path,
        frames: blur.frames,
        fps: round(blur.frames / PHASE_SECONDS),
        frameMsMean: round(blur.totalMs / Math.max(1, blur.frames)),
        frameMsMax: round(blur.maxMs),
        cores: round(blurCores - baseCores),
      },
      guard: {
        backend: load.backend,
        firstResultMs: Math.round(load.ms),
        inferences: infers.length,
        inferMsMedian: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
        inferMsMax: Math.round(sorted.at(-1) ?? 0),
        cores: round(guardCores - blurCores),
      },
      conditions: conditions(),
    };
    const file = writeResult("privacy-", result);
    log(`written ${file}`);
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

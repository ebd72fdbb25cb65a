/// <reference lib="webworker" />
/**
 * The nudity classifier, off the page's main thread (instructions/video-privacy.md "The nudity
 * guard"): TensorFlow.js and nsfwjs's MobileNetV2, whose weights ship inside the nsfwjs npm
 * package as JS modules — the bundler puts them in this worker's chunks, and TensorFlow.js's
 * WebAssembly kernels beside them as static files, all served by the app itself. Nothing is fetched from anywhere else, and nothing leaves: a frame comes in as
 * ImageData, five probabilities go back.
 */
import { Buffer } from "buffer";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { load, type NSFWJS } from "nsfwjs/core";
import { MobileNetV2Model } from "nsfwjs/models/mobilenet_v2";

// nsfwjs decodes its bundled weights with Node's Buffer; the browser has none.
(globalThis as unknown as { Buffer?: typeof Buffer }).Buffer ??= Buffer;

export interface GuardRequest {
  id: number;
  image: ImageData;
}
export type GuardResponse =
  | { id: number; scores: Record<string, number>; inferMs: number; loadMs: number; backend: string }
  | { id: number; error: string };

// The WebAssembly kernels, emitted by the bundler as the app's own static files (no CDN).
// Threads need cross-origin isolation, which the app does not turn on, so SIMD is the fast path.
setWasmPaths({
  "tfjs-backend-wasm.wasm": new URL("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm", import.meta.url).href,
  "tfjs-backend-wasm-simd.wasm": new URL("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm", import.meta.url).href,
  "tfjs-backend-wasm-threaded-simd.wasm": new URL(
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
    import.meta.url,
  ).href,
});

let model: Promise<NSFWJS> | null = null;
let loadMs = 0;
let queue: Promise<unknown> = Promise.resolve();

function loadModel(): Promise<NSFWJS> {
  model ??= (async () => {
    const started = performance.now();
    // WebAssembly with SIMD first: ≈ 0.1 s per frame on this machine's CPU, against ≈ 3 s for the
    // plain CPU backend and ≈ 6 s (after a 60 s shader compile) for a software WebGL; on a real
    // GPU WebGL would be faster per frame but competes with the video's decode and compositing
    // (instructions/performance.md). The CPU backend is the fallback where WebAssembly fails.
    if (!(await tf.setBackend("wasm").catch(() => false))) await tf.setBackend("cpu");
    await tf.ready();
    const loaded = await load("MobileNetV2", { modelDefinitions: [MobileNetV2Model], size: 224 });
    loadMs = performance.now() - started;
    return loaded;
  })();
  return model;
}

self.onmessage = (event: MessageEvent<GuardRequest>) => {
  const { id, image } = event.data;
  // one frame at a time: a slow device queues instead of running several models at once
  queue = queue.then(async () => {
    try {
      const nsfw = await loadModel();
      const started = performance.now();
      const predictions = await nsfw.classify(image, 5);
      const scores = Object.fromEntries(predictions.map((p) => [p.className.toLowerCase(), p.probability]));
      const reply: GuardResponse = { id, scores, inferMs: performance.now() - started, loadMs, backend: tf.getBackend() };
      self.postMessage(reply);
    } catch (error) {
      self.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies GuardResponse);
    }
  });
};

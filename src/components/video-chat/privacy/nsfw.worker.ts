/// <reference lib="webworker" />
/**
 * The nudity classifier, off the page's main thread (instructions/video-privacy.md "The nudity
 * guard"): TensorFlow.js and nsfwjs's MobileNetV2, whose weights ship inside the nsfwjs npm
 * package as JS modules — the bundler puts them in this worker's chunks, served by the app
 * itself. Nothing is fetched from anywhere else, and nothing leaves: a frame comes in as
 * ImageData, five probabilities go back.
 */
import { Buffer } from "buffer";
import * as tf from "@tensorflow/tfjs";
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

let model: Promise<NSFWJS> | null = null;
let loadMs = 0;
let queue: Promise<unknown> = Promise.resolve();

/**
 * WebGL only when it runs on a GPU: a software WebGL (SwiftShader, llvmpipe — what a machine
 * without a GPU gets) took ~60 s to compile the model's shaders and ~6 s per frame here, the
 * plain CPU backend a fraction of that (instructions/performance.md).
 */
function softwareWebgl(): boolean {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext("webgl2") ?? new OffscreenCanvas(1, 1).getContext("webgl");
    if (!gl) return true;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|software|basic render/i.test(renderer);
  } catch {
    return true;
  }
}

function loadModel(): Promise<NSFWJS> {
  model ??= (async () => {
    const started = performance.now();
    if (softwareWebgl()) await tf.setBackend("cpu");
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

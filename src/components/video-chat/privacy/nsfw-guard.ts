"use client";

import { NSFW_CLASSES, type NsfwScores } from "./nudity-rule";
import type { GuardResponse } from "./nsfw.worker";

/**
 * The page's side of the nudity classifier (instructions/video-privacy.md "The nudity guard").
 * The worker (TensorFlow.js + the bundled model, several MB) is created on the first sample
 * only, so pages that never reach a call never load it, and the first call's connect never
 * competes with it. A frame is read from a `<video>` into a 224×224 canvas (the model's input)
 * and handed over as ImageData; only the five probabilities come back. Nothing is sent over the
 * network.
 */

export type GuardTarget = "partner" | "self";

/** Figures for the browser tests and the cost measurement (instructions/performance.md). */
export interface GuardStats {
  backend: string | null;
  loadMs: number | null;
  samples: Record<GuardTarget, number>;
  inferMs: number;
  /** The latest inference's time (ms): the guard waits at least 3× this between samples. */
  lastInferMs: number;
  grabMs: number;
  last: Partial<Record<GuardTarget, NsfwScores>>;
  error: string | null;
}
export const guardStats: GuardStats = {
  backend: null,
  loadMs: null,
  samples: { partner: 0, self: 0 },
  inferMs: 0,
  lastInferMs: 0,
  grabMs: 0,
  last: {},
  error: null,
};

/**
 * A test seam: a page may set `window.__mmGuardScores` (before it loads) to a function giving the
 * scores instead of the model — e2e/nudity-guard.spec.ts uses it to drive the threshold → blur →
 * report path without nudity. It changes only what this browser shows its own user.
 */
type ScoresOverride = (target: GuardTarget) => NsfwScores | Promise<NsfwScores>;
const testWindow = () =>
  typeof window === "undefined"
    ? undefined
    : (window as unknown as { __mmGuardScores?: ScoresOverride; __mmGuardStats?: GuardStats });
if (testWindow()) testWindow()!.__mmGuardStats = guardStats;

let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, (reply: GuardResponse) => void>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./nsfw.worker.ts", import.meta.url), { type: "module", name: "nudity-guard" });
    worker.onmessage = (event: MessageEvent<GuardResponse>) => {
      const resolve = waiting.get(event.data.id);
      waiting.delete(event.data.id);
      resolve?.(event.data);
    };
  }
  return worker;
}

let canvas: HTMLCanvasElement | null = null;

/** One frame of a playing video as the model's input, or null when there is no picture yet. */
function grab(video: HTMLVideoElement): ImageData | null {
  if (video.readyState < 2 || video.videoWidth === 0) return null;
  canvas ??= Object.assign(document.createElement("canvas"), { width: 224, height: 224 });
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, 224, 224);
  return ctx.getImageData(0, 0, 224, 224);
}

/** Classifies the video's current frame; null when there was no frame or the model failed. */
export async function classifyVideo(target: GuardTarget, video: HTMLVideoElement): Promise<NsfwScores | null> {
  const override = testWindow()?.__mmGuardScores;
  if (override) {
    const scores = await override(target);
    guardStats.samples[target] += 1;
    guardStats.last[target] = scores;
    return scores;
  }
  const started = performance.now();
  const image = grab(video);
  guardStats.grabMs += performance.now() - started;
  if (!image) return null;
  const id = ++nextId;
  const reply = await new Promise<GuardResponse>((resolve) => {
    waiting.set(id, resolve);
    getWorker().postMessage({ id, image }, [image.data.buffer]);
  });
  if ("error" in reply) {
    guardStats.error = reply.error;
    return null;
  }
  const scores = Object.fromEntries(NSFW_CLASSES.map((c) => [c, reply.scores[c] ?? 0])) as NsfwScores;
  guardStats.backend = reply.backend;
  guardStats.loadMs = reply.loadMs;
  guardStats.inferMs += reply.inferMs;
  guardStats.lastInferMs = reply.inferMs;
  guardStats.samples[target] += 1;
  guardStats.last[target] = scores;
  return scores;
}

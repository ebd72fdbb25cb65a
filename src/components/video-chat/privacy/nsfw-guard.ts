"use client";

import { drawnPicture } from "./drawn-picture";
import { NSFW_CLASSES, type NsfwScores } from "./nudity-rule";
import type { GuardResponse } from "./nsfw.worker";

/**
 * The page's side of the nudity classifier (instructions/video-privacy.md "The nudity guard").
 * The worker (TensorFlow.js + the bundled model, several MB) is created on the first sample
 * only, so pages that never reach a call never load it, and the first call's connect never
 * competes with it. A frame is read into a 224×224 picture (the model's input) — the partner's
 * from their `<video>`, one's own from the blur processor's raw camera — and handed over as
 * ImageData; only the five probabilities come back. Nothing is sent over the network.
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

/** The model's input size: frames are handed over as MODEL_INPUT × MODEL_INPUT pictures. */
export const MODEL_INPUT = 224;

/** Where a sample comes from: the current frame as the model's input, or null when there is no picture yet. */
export type FrameGrab = () => ImageData | null | Promise<ImageData | null>;

/** A playing video's current frame (the partner's `<video>`). */
export function grabVideo(video: HTMLVideoElement): ImageData | null {
  if (video.readyState < 2 || video.videoWidth === 0) return null;
  return drawnPicture(video, MODEL_INPUT);
}

/** Classifies the source's current frame; null when there was no frame or the model failed. */
export async function classifyFrame(target: GuardTarget, grab: FrameGrab): Promise<NsfwScores | null> {
  const override = testWindow()?.__mmGuardScores;
  if (override) {
    const scores = await override(target);
    guardStats.samples[target] += 1;
    guardStats.last[target] = scores;
    return scores;
  }
  const started = performance.now();
  const image = await grab();
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

"use client";

import type { Track, TrackProcessor, VideoProcessorOptions } from "livekit-client";

/**
 * The consent blur (instructions/video-privacy.md): a livekit-client track processor that turns
 * the camera into a small, strongly blurred picture *before* it is encoded, so the raw camera
 * never leaves the browser until both people have revealed. LiveKit publishes
 * `processedTrack` instead of the camera (`LocalTrack.mediaStreamTrack` returns it while a
 * processor is set), and `stopProcessor()` swaps the sender back to the camera with
 * `RTCRtpSender.replaceTrack`: no renegotiation, the call goes on.
 *
 * Cheap on purpose: every frame is drawn once, downscaled to `OUTPUT_WIDTH` with a canvas
 * `blur()` filter (no model, no WebGL). Where the browser has insertable streams
 * (`MediaStreamTrackProcessor`/`MediaStreamTrackGenerator`, Chromium) the loop is driven by the
 * camera's own frames, which keeps running in a background tab; elsewhere a canvas'
 * `captureStream()` fed on each decoded frame of the processor's video element.
 */

export const BLUR_PROCESSOR_NAME = "moodmatch-consent-blur";
/** Output width in pixels: a blurred face needs no more, and a small frame costs little to blur and encode. */
export const OUTPUT_WIDTH = 320;
/** Blur radius as a share of the output width (≈ 13 px at 320: features are gone, the shape of a person stays). */
export const BLUR_RADIUS_SHARE = 1 / 24;

/** Frame-time figures of a running blur (instructions/performance.md "Consent blur and guard"). */
export interface BlurStats {
  frames: number;
  totalMs: number;
  maxMs: number;
  path: "insertable-streams" | "canvas" | null;
}

/** The latest processor's figures, for the browser tests and the measurement script. */
export const blurStats: BlurStats = { frames: 0, totalMs: 0, maxMs: 0, path: null };
if (typeof window !== "undefined") (window as unknown as { __mmBlurStats?: BlurStats }).__mmBlurStats = blurStats;

// Insertable streams are not in TypeScript's DOM library yet.
interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): { readable: ReadableStream<VideoFrame> };
}
interface TrackGeneratorCtor {
  new (init: { kind: "video" }): MediaStreamTrack & { writable: WritableStream<VideoFrame> };
}
const insertable = () => {
  const w = globalThis as unknown as {
    MediaStreamTrackProcessor?: TrackProcessorCtor;
    MediaStreamTrackGenerator?: TrackGeneratorCtor;
  };
  return w.MediaStreamTrackProcessor && w.MediaStreamTrackGenerator && typeof VideoFrame !== "undefined"
    ? { Processor: w.MediaStreamTrackProcessor, Generator: w.MediaStreamTrackGenerator }
    : null;
};

/** Draws one source picture blurred into the context (sized to the output); the margin hides the blur's transparent edge. */
function drawBlurred(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  source: CanvasImageSource,
  w: number,
  h: number,
) {
  const radius = Math.max(2, Math.round(w * BLUR_RADIUS_SHARE));
  ctx.filter = `blur(${radius}px)`;
  ctx.drawImage(source, -2 * radius, -2 * radius, w + 4 * radius, h + 4 * radius);
}

function outputSize(width: number, height: number): { w: number; h: number } {
  const w = Math.min(OUTPUT_WIDTH, width || OUTPUT_WIDTH);
  const h = Math.max(2, Math.round((w * (height || (OUTPUT_WIDTH * 9) / 16)) / (width || OUTPUT_WIDTH)) & ~1);
  return { w, h };
}

function note(started: number) {
  const ms = performance.now() - started;
  blurStats.frames += 1;
  blurStats.totalMs += ms;
  if (ms > blurStats.maxMs) blurStats.maxMs = ms;
}

export interface BlurProcessor extends TrackProcessor<Track.Kind.Video, VideoProcessorOptions> {
  /** The camera the processor reads (the guard checks one's own outgoing frames before Reveal). */
  readonly source: MediaStreamTrack | null;
}

export function createBlurProcessor(): BlurProcessor {
  const streams = insertable();
  let source: MediaStreamTrack | null = null;
  let stop: (() => void) | null = null;

  // One output track for the processor's whole life: a camera restart (unmute, device switch)
  // only changes what feeds it, so the sender keeps the same track.
  let generator: (MediaStreamTrack & { writable: WritableStream<VideoFrame> }) | null = null;
  let writer: WritableStreamDefaultWriter<VideoFrame> | null = null;
  let canvas: HTMLCanvasElement | null = null;
  let canvasTrack: MediaStreamTrack | null = null;

  function startInsertable(track: MediaStreamTrack) {
    const { Processor } = streams!;
    const reader = new Processor({ track, maxBufferSize: 1 }).readable.getReader();
    let running = true;
    let offscreen: OffscreenCanvas | null = null;
    let ctx: OffscreenCanvasRenderingContext2D | null = null;
    void (async () => {
      while (running) {
        const { value: frame, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done || !frame) break;
        const started = performance.now();
        try {
          const { w, h } = outputSize(frame.displayWidth, frame.displayHeight);
          if (!offscreen || offscreen.width !== w || offscreen.height !== h) {
            offscreen = new OffscreenCanvas(w, h);
            ctx = offscreen.getContext("2d", { alpha: false });
          }
          drawBlurred(ctx!, frame, w, h);
          const out = new VideoFrame(offscreen, { timestamp: frame.timestamp });
          frame.close();
          note(started);
          if (running) await writer!.write(out);
          else out.close();
        } catch {
          frame.close();
        }
      }
    })();
    return () => {
      running = false;
      void reader.cancel().catch(() => {});
    };
  }

  function startCanvas(element: HTMLVideoElement) {
    let running = true;
    let ctx: CanvasRenderingContext2D | null = null;
    const draw = () => {
      if (!running) return;
      const started = performance.now();
      if (element.videoWidth > 0 && canvas) {
        const { w, h } = outputSize(element.videoWidth, element.videoHeight);
        if (canvas.width !== w || canvas.height !== h) {
          canvas.width = w;
          canvas.height = h;
          ctx = null;
        }
        ctx ??= canvas.getContext("2d", { alpha: false });
        if (ctx) {
          drawBlurred(ctx, element, w, h);
          note(started);
        }
      }
      schedule();
    };
    const schedule = () => {
      if (!running) return;
      if (typeof element.requestVideoFrameCallback === "function" && document.visibilityState === "visible")
        element.requestVideoFrameCallback(draw);
      else setTimeout(draw, 66);
    };
    schedule();
    return () => {
      running = false;
    };
  }

  async function start(opts: VideoProcessorOptions) {
    stop?.();
    source = opts.track;
    if (streams) {
      blurStats.path = "insertable-streams";
      if (!generator) {
        generator = new streams.Generator({ kind: "video" });
        writer = generator.writable.getWriter();
      }
      stop = startInsertable(opts.track);
    } else {
      blurStats.path = "canvas";
      if (!opts.element) throw new Error("the blur needs the processor's video element in this browser");
      if (!canvas) {
        canvas = document.createElement("canvas");
        const size = outputSize(opts.track.getSettings().width ?? 0, opts.track.getSettings().height ?? 0);
        canvas.width = size.w;
        canvas.height = size.h;
        // paint the first (black) frame at once, so the output never carries anything else before the blur runs
        canvas.getContext("2d", { alpha: false })?.fillRect(0, 0, size.w, size.h);
        canvasTrack = canvas.captureStream(30).getVideoTracks()[0] ?? null;
      }
      stop = startCanvas(opts.element as HTMLVideoElement);
    }
  }

  return {
    name: BLUR_PROCESSOR_NAME,
    get processedTrack() {
      return generator ?? canvasTrack ?? undefined;
    },
    get source() {
      return source;
    },
    init: start,
    restart: start,
    destroy: async () => {
      stop?.();
      stop = null;
      source = null;
      await writer?.close().catch(() => {});
      generator?.stop();
      canvasTrack?.stop();
      generator = null;
      writer = null;
      canvas = null;
      canvasTrack = null;
    },
  };
}

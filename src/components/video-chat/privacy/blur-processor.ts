"use client";

import type { Track, TrackProcessor, VideoProcessorOptions } from "livekit-client";
import { drawnPicture } from "./drawn-picture";
import { isYuvFormat, yuvToRgba, type YuvPicture } from "./yuv-sample";

/**
 * The consent blur (instructions/video-privacy.md): a livekit-client track processor that turns
 * the camera into a small, strongly blurred picture *before* it is encoded, so the raw camera
 * never leaves the browser until both people have revealed. LiveKit publishes
 * `processedTrack` instead of the camera (`LocalTrack.mediaStreamTrack` returns it while a
 * processor is set), and `stopProcessor()` swaps the sender back to the camera with
 * `RTCRtpSender.replaceTrack`: no renegotiation, the call goes on.
 *
 * Cheap on purpose (no model, no WebGL). Where the browser has insertable streams
 * (`MediaStreamTrackProcessor`/`MediaStreamTrackGenerator`, Chromium) the loop is driven by the
 * camera's own frames, which keeps running in a background tab: each frame's YUV planes are
 * copied out and averaged into a `GRID_WIDTH`-cell picture (yuv-sample.ts), which is drawn
 * upscaled to `OUTPUT_WIDTH` through a canvas `blur()` filter — detail below the cell size is
 * gone before anything is drawn. Frames in other formats, and browsers without insertable
 * streams (a canvas' `captureStream()` fed on each decoded frame of the processor's video
 * element), draw the camera downscaled through the same filter.
 */

export const BLUR_PROCESSOR_NAME = "moodmatch-consent-blur";
/** Output width in pixels: a blurred face needs no more, and a small frame costs little to blur and encode. */
export const OUTPUT_WIDTH = 320;
/** Blur radius as a share of the output width (≈ 13 px at 320: features are gone, the shape of a person stays). */
export const BLUR_RADIUS_SHARE = 1 / 24;
/** Cells across the averaged picture the YUV path blurs: one cell per blur radius. */
const GRID_WIDTH = 24;
/** Samples per cell side when averaging the camera into the grid (a 4 × 4 box per cell). */
const GRID_TAPS = 4;

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
  /**
   * The raw camera's next frame as a size × size picture, or null when none comes within a
   * second: the guard checks one's own outgoing frames with it before Reveal.
   */
  sampleSource(size: number): Promise<ImageData | null>;
}

/** The frame's visible rectangle copied out of the frame, when its format is one yuv-sample.ts reads. */
async function copyYuv(frame: VideoFrame, reuse: Uint8Array | null): Promise<YuvPicture | null> {
  const format = frame.format;
  if (!isYuvFormat(format)) return null;
  const size = frame.allocationSize();
  const data = reuse && reuse.byteLength === size ? reuse : new Uint8Array(size);
  const layout = await frame.copyTo(data);
  return {
    format,
    width: frame.visibleRect?.width ?? frame.displayWidth,
    height: frame.visibleRect?.height ?? frame.displayHeight,
    data,
    layout,
  };
}

export function createBlurProcessor(): BlurProcessor {
  const streams = insertable();
  let element: HTMLVideoElement | null = null;
  let stop: (() => void) | null = null;
  // Guard samples asked for, served from the next camera frame (insertable streams).
  let wanted: { size: number; resolve: (image: ImageData | null) => void }[] = [];

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
    let grid: { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D; image: ImageData } | null = null;
    let planes: Uint8Array | null = null;
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
          const yuv = await copyYuv(frame, planes);
          if (yuv) {
            planes = yuv.data;
            const gw = GRID_WIDTH;
            const gh = Math.max(1, Math.round((gw * h) / w));
            if (!grid || grid.canvas.width !== gw || grid.canvas.height !== gh) {
              const gridCanvas: OffscreenCanvas = new OffscreenCanvas(gw, gh);
              grid = { canvas: gridCanvas, ctx: gridCanvas.getContext("2d", { alpha: false })!, image: new ImageData(gw, gh) };
            }
            yuvToRgba(yuv, gw, gh, grid.image.data, GRID_TAPS);
            grid.ctx.putImageData(grid.image, 0, 0);
            ctx!.imageSmoothingEnabled = true;
            drawBlurred(ctx!, grid.canvas, w, h);
          } else {
            drawBlurred(ctx!, frame, w, h);
          }
          if (wanted.length) {
            const asked = wanted;
            wanted = [];
            for (const { size, resolve } of asked) {
              if (!yuv) resolve(drawnPicture(frame, size));
              else {
                const image = new ImageData(size, size);
                yuvToRgba(yuv, size, size, image.data);
                resolve(image);
              }
            }
          }
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
    element = (opts.element as HTMLVideoElement | undefined) ?? null;
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
    sampleSource(size: number) {
      if (!stop) return Promise.resolve(null);
      if (!streams) return Promise.resolve(element && element.videoWidth > 0 ? drawnPicture(element, size) : null);
      return new Promise<ImageData | null>((resolve) => {
        const entry = { size, resolve };
        wanted.push(entry);
        setTimeout(() => {
          if (!wanted.includes(entry)) return;
          wanted = wanted.filter((e) => e !== entry);
          resolve(null);
        }, 1_000);
      });
    },
    init: start,
    restart: start,
    destroy: async () => {
      stop?.();
      stop = null;
      element = null;
      for (const { resolve } of wanted) resolve(null);
      wanted = [];
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

/**
 * Small RGBA pictures read straight from a camera frame's YUV planes (`VideoFrame.copyTo`), for
 * the consent blur and the nudity guard (instructions/video-privacy.md). Drawing a `VideoFrame`
 * onto a canvas costs ≈ 5 ms a frame on a machine without a GPU whatever the sizes (the frame
 * goes through the compositor's video path), while copying its planes and averaging a few
 * thousand samples in JavaScript costs a fraction of that (instructions/performance.md). Pure,
 * so it is unit-tested without a browser.
 */

/** The layouts read here; any other format (RGBA on some platforms) goes the canvas way. */
export type YuvFormat = "I420" | "I420A" | "NV12";
export const isYuvFormat = (format: string | null | undefined): format is YuvFormat =>
  format === "I420" || format === "I420A" || format === "NV12";

export interface PlaneLayout {
  offset: number;
  stride: number;
}

export interface YuvPicture {
  format: YuvFormat;
  /** Of the copied rectangle (the frame's visible rectangle). */
  width: number;
  height: number;
  data: Uint8Array;
  layout: readonly PlaneLayout[];
}

/**
 * Fills `out` (outW × outH RGBA) with the picture scaled down: each output pixel is the mean of
 * `taps` × `taps` samples spread over its cell (a box filter; 1 = nearest sample). BT.601
 * limited-range colours, which is what cameras give.
 */
export function yuvToRgba(picture: YuvPicture, outW: number, outH: number, out: Uint8ClampedArray, taps = 1): Uint8ClampedArray {
  const { format, width, height, data, layout } = picture;
  const y0 = layout[0]!;
  const u0 = layout[1]!;
  const v0 = format === "NV12" ? null : layout[2]!;
  const cellW = width / outW;
  const cellH = height / outH;
  const n = taps * taps;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let ys = 0;
      let us = 0;
      let vs = 0;
      for (let ty = 0; ty < taps; ty++) {
        const y = Math.min(height - 1, Math.floor((oy + (ty + 0.5) / taps) * cellH));
        const cy = y >> 1;
        for (let tx = 0; tx < taps; tx++) {
          const x = Math.min(width - 1, Math.floor((ox + (tx + 0.5) / taps) * cellW));
          const cx = x >> 1;
          ys += data[y0.offset + y * y0.stride + x]!;
          if (v0) {
            us += data[u0.offset + cy * u0.stride + cx]!;
            vs += data[v0.offset + cy * v0.stride + cx]!;
          } else {
            us += data[u0.offset + cy * u0.stride + 2 * cx]!;
            vs += data[u0.offset + cy * u0.stride + 2 * cx + 1]!;
          }
        }
      }
      const c = 1.164 * (ys / n - 16);
      const u = us / n - 128;
      const v = vs / n - 128;
      const k = (oy * outW + ox) * 4;
      // Uint8ClampedArray rounds and clamps to 0–255
      out[k] = c + 1.596 * v;
      out[k + 1] = c - 0.392 * u - 0.813 * v;
      out[k + 2] = c + 2.017 * u;
      out[k + 3] = 255;
    }
  }
  return out;
}

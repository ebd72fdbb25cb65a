import { describe, expect, it } from "vitest";
import { isYuvFormat, yuvToRgba, type YuvPicture } from "./yuv-sample";

/** A width × height I420 or NV12 picture whose luma is `luma(x, y)` and chroma neutral or given. */
function picture(
  format: "I420" | "NV12",
  width: number,
  height: number,
  luma: (x: number, y: number) => number,
  chroma: [number, number] = [128, 128],
): YuvPicture {
  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const data = new Uint8Array(ySize + 2 * cw * ch);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = luma(x, y);
  const y = { offset: 0, stride: width };
  if (format === "I420") {
    data.fill(chroma[0], ySize, ySize + cw * ch);
    data.fill(chroma[1], ySize + cw * ch);
  } else
    for (let i = ySize; i < data.length; i += 2) {
      data[i] = chroma[0];
      data[i + 1] = chroma[1];
    }
  const layout =
    format === "I420"
      ? [y, { offset: ySize, stride: cw }, { offset: ySize + cw * ch, stride: cw }]
      : [y, { offset: ySize, stride: width }];
  return { format, width, height, data, layout };
}

describe("yuvToRgba", () => {
  it("knows the formats it reads", () => {
    expect(["I420", "I420A", "NV12"].every(isYuvFormat)).toBe(true);
    expect(isYuvFormat("RGBA")).toBe(false);
    expect(isYuvFormat(null)).toBe(false);
  });

  it("turns limited-range black, white and grey into RGB", () => {
    for (const [y, rgb] of [
      [16, 0],
      [235, 255],
      [126, 128],
    ] as const) {
      const out = yuvToRgba(
        picture("I420", 8, 4, () => y),
        2,
        2,
        new Uint8ClampedArray(16),
      );
      expect([...out.slice(0, 4)]).toEqual([rgb, rgb, rgb, 255]);
    }
  });

  it("reads chroma from I420 and NV12 alike (pure red)", () => {
    // BT.601 limited range red: Y 81, U 90, V 240
    for (const format of ["I420", "NV12"] as const) {
      const out = yuvToRgba(
        picture(format, 4, 4, () => 81, [90, 240]),
        1,
        1,
        new Uint8ClampedArray(4),
      );
      expect(out[0]).toBeGreaterThan(250);
      expect(out[1]).toBeLessThan(5);
      expect(out[2]).toBeLessThan(5);
    }
  });

  it("averages each cell's samples (a box filter), and a single tap picks one sample", () => {
    // columns alternate black and white: 4 taps across a 4-pixel cell see two of each
    const stripes = picture("I420", 8, 8, (x) => (x % 2 ? 235 : 16));
    const averaged = yuvToRgba(stripes, 2, 2, new Uint8ClampedArray(16), 4);
    expect(averaged[0]).toBeGreaterThan(120);
    expect(averaged[0]).toBeLessThan(136);
    const nearest = yuvToRgba(stripes, 2, 2, new Uint8ClampedArray(16), 1);
    expect([0, 255]).toContain(nearest[0]);
  });

  it("keeps the picture's layout: left half dark, right half light", () => {
    const out = yuvToRgba(
      picture("NV12", 16, 8, (x) => (x < 8 ? 16 : 235)),
      4,
      2,
      new Uint8ClampedArray(32),
      2,
    );
    const reds = [0, 1, 2, 3].map((i) => out[i * 4]);
    expect(reds).toEqual([0, 0, 255, 255]);
  });
});

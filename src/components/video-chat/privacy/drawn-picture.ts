"use client";

const canvases = new Map<number, CanvasRenderingContext2D | null>();

/**
 * A size × size picture of anything a canvas can draw (a `<video>`, a `VideoFrame`), for the
 * nudity guard's input: the partner's video, and one's own camera where its planes cannot be
 * read (yuv-sample.ts). One canvas per size, reused.
 */
export function drawnPicture(source: CanvasImageSource, size: number): ImageData | null {
  if (!canvases.has(size)) {
    const canvas = Object.assign(document.createElement("canvas"), { width: size, height: size });
    canvases.set(size, canvas.getContext("2d", { willReadFrequently: true }));
  }
  const ctx = canvases.get(size);
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, size, size);
  return ctx.getImageData(0, 0, size, size);
}

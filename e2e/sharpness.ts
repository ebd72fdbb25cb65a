import type { Locator, Page } from "@playwright/test";

/**
 * How sharp a <video> looks: the variance of the Laplacian of its current frame, drawn to a
 * 320×180 canvas (so a 960×540 sharp stream and a 320×180 blurred one are compared at the
 * same scale) and turned to grey. Edges make it large; a blurred picture has almost none. The
 * median of a few frames, so a key frame or a scene change does not decide alone.
 */
export async function sharpness(video: Locator, samples = 5): Promise<number> {
  return video.evaluate(async (element: HTMLVideoElement, count: number) => {
    const w = 320;
    const h = 180;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      ctx.drawImage(element, 0, 0, w, h);
      const { data } = ctx.getImageData(0, 0, w, h);
      const grey = new Float32Array(w * h);
      for (let p = 0; p < w * h; p++) grey[p] = 0.299 * data[4 * p]! + 0.587 * data[4 * p + 1]! + 0.114 * data[4 * p + 2]!;
      let sum = 0;
      let sumSq = 0;
      let n = 0;
      for (let y = 1; y < h - 1; y++) {
        for (let x = 1; x < w - 1; x++) {
          const c = y * w + x;
          const lap = grey[c - 1]! + grey[c + 1]! + grey[c - w]! + grey[c + w]! - 4 * grey[c]!;
          sum += lap;
          sumSq += lap * lap;
          n++;
        }
      }
      values.push(sumSq / n - (sum / n) ** 2);
      await new Promise((r) => setTimeout(r, 150));
    }
    values.sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)]!;
  }, samples);
}

/** The partner's remote video and this page's own preview. */
export const partnerVideo = (page: Page, partnerName: string) => page.getByLabel(`${partnerName}'s camera`);
export const selfVideo = (page: Page) => page.locator(".stage__self video");

/**
 * Records the widest frame this page encodes for sending (outbound-rtp frameWidth) on the peer
 * connections it opens from now on, polled every 100 ms: proof of what reached LiveKit.
 */
export async function watchOutboundWidth(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __peerConnections?: RTCPeerConnection[]; __maxOutboundWidth?: number };
    w.__maxOutboundWidth = 0;
    const before = new Set(w.__peerConnections ?? []);
    setInterval(async () => {
      for (const pc of w.__peerConnections ?? []) {
        if (pc.connectionState === "closed" || before.has(pc)) continue;
        const stats = await pc.getStats().catch(() => null);
        stats?.forEach((s: { type: string; kind?: string; frameWidth?: number }) => {
          if (s.type === "outbound-rtp" && s.kind === "video" && s.frameWidth)
            w.__maxOutboundWidth = Math.max(w.__maxOutboundWidth ?? 0, s.frameWidth);
        });
      }
    }, 100);
  });
}

export async function maxOutboundWidth(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __maxOutboundWidth?: number }).__maxOutboundWidth ?? 0);
}

/** The inbound video's identity on this page: the same ssrc and track across a reveal means no renegotiation. */
export async function inboundVideoIdentity(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const ids: string[] = [];
    for (const pc of all.filter((p) => p.connectionState !== "closed")) {
      (await pc.getStats()).forEach((s: { type: string; kind?: string; ssrc?: number; trackIdentifier?: string }) => {
        if (s.type === "inbound-rtp" && s.kind === "video") ids.push(`${s.ssrc}:${s.trackIdentifier}`);
      });
    }
    return ids.sort();
  });
}

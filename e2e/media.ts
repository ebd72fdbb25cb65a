import type { BrowserContext, Page } from "@playwright/test";
import { expect } from "@playwright/test";

/**
 * Proof that media really flows (not just "subscribed"): every RTCPeerConnection the page makes
 * is kept, and the inbound-rtp stats of the open ones are read. Install before the page loads.
 */
export async function watchPeerConnections(context: BrowserContext) {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = all;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        all.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

export interface InboundMedia {
  videoFramesDecoded: number;
  audioPacketsReceived: number;
  openConnections: number;
}

/** Inbound media summed over the page's open peer connections (the current call's). */
export async function inboundMedia(page: Page): Promise<InboundMedia> {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const open = all.filter((pc) => pc.connectionState !== "closed");
    let videoFramesDecoded = 0;
    let audioPacketsReceived = 0;
    for (const pc of open) {
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; kind?: string; framesDecoded?: number; packetsReceived?: number }) => {
        if (s.type !== "inbound-rtp") return;
        if (s.kind === "video") videoFramesDecoded += s.framesDecoded ?? 0;
        if (s.kind === "audio") audioPacketsReceived += s.packetsReceived ?? 0;
      });
    }
    return { videoFramesDecoded, audioPacketsReceived, openConnections: open.length };
  });
}

/** The partner's video element shows real frames and keeps decoding new ones; their audio arrives. */
export async function expectSeesPartner(page: Page, partnerName: string) {
  const video = page.getByLabel(`${partnerName}'s camera`);
  await expect(video).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await inboundMedia(page)).videoFramesDecoded, { timeout: 20_000 }).toBeGreaterThan(0);
  const first = await inboundMedia(page);
  // Still decoding: at 15 fps a second brings several new frames.
  await expect
    .poll(async () => (await inboundMedia(page)).videoFramesDecoded, { timeout: 10_000 })
    .toBeGreaterThan(first.videoFramesDecoded + 5);
  await expect
    .poll(async () => (await inboundMedia(page)).audioPacketsReceived, { timeout: 10_000 })
    .toBeGreaterThan(first.audioPacketsReceived);
}

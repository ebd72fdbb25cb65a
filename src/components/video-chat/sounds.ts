"use client";

/**
 * Short cues synthesised with WebAudio (no asset files): a soft rising pair on a match, a
 * single blip on a message. The AudioContext is created lazily after a user gesture has
 * happened somewhere on the page; browsers keep it suspended otherwise, which is harmless.
 * Between cues it is suspended again: a running context renders silence on an audio thread
 * for the whole call (CPU and battery, instructions/performance.md).
 */
let context: AudioContext | null = null;
let suspendTimer: ReturnType<typeof setTimeout> | undefined;
/** Slack after a cue's last tone stops before the context is suspended. */
const SUSPEND_AFTER_MS = 250;

function audio(): AudioContext | null {
  if (typeof window === "undefined") return null;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  context ??= new Ctor();
  if (context.state === "suspended") void context.resume().catch(() => {});
  return context;
}

/** Schedules one tone; returns when (seconds from now) it has stopped. */
function tone(ctx: AudioContext, frequency: number, startIn: number, duration: number, volume: number): number {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  const start = ctx.currentTime + startIn;
  osc.type = "sine";
  osc.frequency.setValueAtTime(frequency, start);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(volume, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + duration + 0.05);
  return startIn + duration + 0.05;
}

/** Suspends the context once the cue just scheduled has played out (`seconds` from now). */
function suspendAfter(ctx: AudioContext, seconds: number) {
  clearTimeout(suspendTimer);
  suspendTimer = setTimeout(() => void ctx.suspend().catch(() => {}), seconds * 1000 + SUSPEND_AFTER_MS);
}

export function playMatchSound() {
  const ctx = audio();
  if (!ctx) return;
  const c5 = tone(ctx, 523.25, 0, 0.18, 0.12);
  const g5 = tone(ctx, 783.99, 0.12, 0.28, 0.12);
  suspendAfter(ctx, Math.max(c5, g5));
}

export function playMessageSound() {
  const ctx = audio();
  if (!ctx) return;
  suspendAfter(ctx, tone(ctx, 880, 0, 0.12, 0.07));
}

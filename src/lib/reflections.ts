/**
 * When a conversation is worth a reflection card (instructions/api.md "Reflections"): the browser
 * uses these to decide whether to show the card, the server to accept one.
 */

/** Calls shorter than this get no card: a few seconds say nothing about a person. */
export const REFLECTION_MIN_CALL_MS = 20_000;
/** How long after the end a reflection is still accepted. */
export const REFLECTION_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The conversation's length: from both being in the room (or the match, if never) to its end. */
export function callLengthMs(call: { startedAt: number; activeAt?: number | null; endedAt: number }): number {
  return call.endedAt - (call.activeAt ?? call.startedAt);
}

export function deservesReflection(call: { startedAt: number; activeAt?: number | null; endedAt: number }): boolean {
  return callLengthMs(call) >= REFLECTION_MIN_CALL_MS;
}

import "server-only";
import type { ChatLine } from "../db/schema";
import type { AppServices } from "../app-services";

/**
 * Each session's chat, kept in the key-value store (both drivers) as the evidence a report
 * carries. Only delivered chat lines go in — typing and every other event stay out — so neither
 * typing nor a long call's other events can push a line out; the event log is not used for it.
 * The text never leaves the server except into the report its reader files.
 */

/** Lines kept per session, newest last; the oldest go beyond this. */
export const TRANSCRIPT_MAX_LINES = 500;
/** A line's text is cut here, so the count bounds the bytes (masking can lengthen a 500-character message). */
export const TRANSCRIPT_MAX_CHARS = 2_000;
/** While the session is live: refreshed by every line; no call lasts this long (the cron ends it at 12 h). */
const LIVE_TTL_MS = 13 * 3_600_000;
/** After the end: people report right after the other person skipped them, rarely an hour later. */
export const TRANSCRIPT_TTL_AFTER_END_MS = 3_600_000;

const keyOf = (sessionId: string) => `chat:transcript:${sessionId}`;

interface StoredLine {
  from: string; // the sender's user id
  text: string;
  sentAt: string;
}

export async function appendToTranscript(deps: AppServices, sessionId: string, line: StoredLine): Promise<void> {
  const stored: StoredLine = { ...line, text: line.text.slice(0, TRANSCRIPT_MAX_CHARS) };
  await deps.kv.appendToList(keyOf(sessionId), JSON.stringify(stored), TRANSCRIPT_MAX_LINES, LIVE_TTL_MS);
}

/** The session's chat as the reporter saw it, both sides, oldest first. */
export async function transcriptFor(deps: AppServices, sessionId: string, reporterId: string): Promise<ChatLine[]> {
  const lines: ChatLine[] = [];
  for (const raw of await deps.kv.readList(keyOf(sessionId))) {
    const line = JSON.parse(raw) as StoredLine;
    lines.push({ from: line.from === reporterId ? "reporter" : "reported", text: line.text, sentAt: line.sentAt });
  }
  return lines;
}

/** At the session's end the transcript is kept only long enough for a report to take it. */
export async function expireTranscriptAfterEnd(deps: AppServices, sessionId: string): Promise<void> {
  await deps.kv.expire(keyOf(sessionId), TRANSCRIPT_TTL_AFTER_END_MS);
}

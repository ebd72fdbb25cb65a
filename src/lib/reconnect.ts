/**
 * How the browser reconnects its event stream (instructions/events.md "Reconnects"). The server
 * sends `retry: EVENT_STREAM_RETRY_MS` on every stream, and the page uses the same number as the
 * floor of its own backoff, so the `retry:` the server asks for always holds.
 */
export const EVENT_STREAM_RETRY_MS = 3_000;
/** No wait grows past this: a recovered server is found within a minute. */
export const EVENT_STREAM_MAX_RETRY_MS = 60_000;

/**
 * The wait before reconnect attempt `failures + 1` (0 after a stream that worked): exponential
 * from the server's `retry:`, capped, with "equal jitter" — half fixed, half random — so the
 * pages that lost one server together do not all come back in the same instant.
 */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(EVENT_STREAM_MAX_RETRY_MS, EVENT_STREAM_RETRY_MS * 2 ** Math.min(Math.max(failures, 0), 16));
  const half = ceiling / 2;
  return Math.max(EVENT_STREAM_RETRY_MS, Math.round(half + random() * half));
}

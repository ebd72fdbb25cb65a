import "server-only";

/**
 * A leak-proof Server-Sent Events response for Next.js route handlers (instructions/events.md).
 * Cleanup is wired to `request.signal` and to the stream's `cancel()`
 * synchronously inside `start()`, before anything awaits, so a client that disconnects at any
 * moment — even before the handler's first await resolves — releases its subscription.
 */

export interface SseMessage {
  id?: number | string;
  event?: string;
  /** Serialized as one line of JSON. */
  data: unknown;
}

export type SseCleanup = () => void | Promise<void>;

export interface SseSink {
  /** Queues one event; false once the stream is closed (never throws for that). */
  send(message: SseMessage): boolean;
  /** Queues a comment line (ignored by EventSource; keeps proxies from timing out). */
  comment(text: string): boolean;
  /** Ends the stream from the server side; runs the cleanups. Idempotent. */
  close(): void;
  /** Runs fn when the stream ends for any reason; at once if it already has. */
  onClose(fn: SseCleanup): void;
  readonly closed: boolean;
}

export interface SseResponseOptions {
  request: Request;
  /**
   * Starts producing events. Register cleanups with `sink.onClose` before your first await (or
   * return one; it runs immediately if the client left meanwhile). A throw closes the stream.
   */
  open: (sink: SseSink) => void | SseCleanup | Promise<void | SseCleanup>;
  keepAliveMs?: number;
  /** Sends `retry:` first so EventSource reconnects after this many ms. */
  retryMs?: number;
  /** A client this far behind (bytes queued) is cut off instead of growing memory forever. */
  maxBufferedBytes?: number;
  headers?: HeadersInit;
  onError?: (error: unknown) => void;
}

export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // nginx would otherwise buffer; `no-transform` also stops compression middleware (which buffers).
  "x-accel-buffering": "no",
};

const encoder = new TextEncoder();

function assertSingleLine(field: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${field} must not contain line breaks`);
}

/** `id:`, `event:` and one `data:` line of JSON, ended by a blank line. */
export function formatSseEvent(message: SseMessage): string {
  let out = "";
  if (message.id !== undefined) {
    const id = String(message.id);
    assertSingleLine("id", id);
    out += `id: ${id}\n`;
  }
  if (message.event !== undefined) {
    assertSingleLine("event", message.event);
    out += `event: ${message.event}\n`;
  }
  // JSON.stringify escapes \n and \r inside strings, so the payload is always one line.
  const json = JSON.stringify(message.data) ?? "null";
  return `${out}data: ${json}\n\n`;
}

export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/** `Last-Event-ID` header (EventSource reconnects), else `?lastEventId=`; invalid → null. */
export function parseLastEventId(request: Request): number | null {
  const header = request.headers.get("last-event-id");
  const raw = header ?? new URL(request.url).searchParams.get("lastEventId");
  if (raw === null) return null;
  const trimmed = raw.trim();
  if (!/^\d{1,15}$/.test(trimmed)) return null;
  return Number(trimmed);
}

export function createSseResponse(options: SseResponseOptions): Response {
  const { request, open } = options;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const onError = options.onError ?? ((error: unknown) => console.warn("[sse]", error));

  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const cleanups: SseCleanup[] = [];

  function runCleanup(fn: SseCleanup) {
    try {
      Promise.resolve(fn()).catch(onError);
    } catch (error) {
      onError(error);
    }
  }

  function finish(failure?: Error) {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    request.signal.removeEventListener("abort", onAbort);
    for (const fn of cleanups.splice(0)) runCleanup(fn);
    try {
      if (failure) controller?.error(failure);
      else controller?.close();
    } catch {
      // Already cancelled by the consumer: nothing left to close.
    }
  }

  function onAbort() {
    finish();
  }

  function write(chunk: string): boolean {
    if (closed || !controller) return false;
    try {
      controller.enqueue(encoder.encode(chunk));
    } catch {
      finish();
      return false;
    }
    if ((controller.desiredSize ?? 0) < 0) {
      finish(new Error("SSE client is not reading; stream dropped"));
      return false;
    }
    return true;
  }

  const sink: SseSink = {
    send: (message) => write(formatSseEvent(message)),
    comment: (text) => write(formatSseComment(text)),
    close: () => finish(),
    onClose(fn) {
      if (closed) runCleanup(fn);
      else cleanups.push(fn);
    },
    get closed() {
      return closed;
    },
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        // Everything below up to `open` is synchronous: no await may precede these registrations.
        if (request.signal.aborted) {
          finish();
          return;
        }
        request.signal.addEventListener("abort", onAbort, { once: true });
        keepAlive = setInterval(() => sink.comment("keep-alive"), keepAliveMs);
        if (options.retryMs !== undefined) write(`retry: ${Math.max(0, Math.floor(options.retryMs))}\n\n`);
        let result: ReturnType<SseResponseOptions["open"]>;
        try {
          result = open(sink);
        } catch (error) {
          onError(error);
          finish();
          return;
        }
        Promise.resolve(result).then(
          (cleanup) => {
            if (typeof cleanup === "function") sink.onClose(cleanup);
          },
          (error: unknown) => {
            onError(error);
            finish();
          },
        );
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: maxBufferedBytes, size: (chunk) => chunk.byteLength },
  );

  const headers = new Headers(options.headers);
  for (const [name, value] of Object.entries(SSE_HEADERS)) headers.set(name, value);
  return new Response(stream, { status: 200, headers });
}

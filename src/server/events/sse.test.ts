import { afterEach, describe, expect, it, vi } from "vitest";
import { SSE_HEADERS, createSseResponse, formatSseComment, formatSseEvent, parseLastEventId, type SseSink } from "./sse";
import { SseReader, parseSseFrames } from "@test/support/sse-reader";

function request(init: { headers?: Record<string, string>; url?: string; signal?: AbortSignal } = {}) {
  return new Request(init.url ?? "http://localhost/api/matching/events", { headers: init.headers, signal: init.signal });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("formatSseEvent", () => {
  it("writes id, event and one data line of JSON, ended by a blank line", () => {
    expect(formatSseEvent({ id: 7, event: "chat", data: { text: "hi" } })).toBe('id: 7\nevent: chat\ndata: {"text":"hi"}\n\n');
  });

  it("keeps line breaks inside the data on one line", () => {
    const text = formatSseEvent({ event: "chat", data: { text: "a\nb\r\nc" } });
    expect(text.split("\n").filter((l) => l.startsWith("data:"))).toHaveLength(1);
    expect(JSON.parse(parseSseFrames(text)[0].data!)).toEqual({ text: "a\nb\r\nc" });
  });

  it("omits id and event when absent", () => {
    expect(formatSseEvent({ data: 1 })).toBe("data: 1\n\n");
  });

  it("refuses an event name or id that would break the framing", () => {
    expect(() => formatSseEvent({ event: "a\nb", data: 1 })).toThrow(/line breaks/);
    expect(() => formatSseEvent({ id: "1\r", data: 1 })).toThrow(/line breaks/);
  });

  it("formats comments as a single line", () => {
    expect(formatSseComment("keep\nalive")).toBe(": keep alive\n\n");
  });
});

describe("parseLastEventId", () => {
  it("reads the Last-Event-ID header", () => {
    expect(parseLastEventId(request({ headers: { "Last-Event-ID": "42" } }))).toBe(42);
  });

  it("falls back to ?lastEventId= and prefers the header", () => {
    expect(parseLastEventId(request({ url: "http://x/e?lastEventId=5" }))).toBe(5);
    expect(parseLastEventId(request({ url: "http://x/e?lastEventId=5", headers: { "last-event-id": "9" } }))).toBe(9);
  });

  it.each(["", "abc", "-1", "1.5", "1e3", "12345678901234567890", "0x10"])("treats %j as no id", (raw) => {
    expect(parseLastEventId(request({ headers: { "last-event-id": raw } }))).toBeNull();
  });

  it("accepts 0 and returns null when nothing is given", () => {
    expect(parseLastEventId(request({ headers: { "last-event-id": "0" } }))).toBe(0);
    expect(parseLastEventId(request())).toBeNull();
  });
});

describe("createSseResponse", () => {
  it("sets the streaming headers", () => {
    const res = createSseResponse({ request: request(), open: () => {} });
    for (const [name, value] of Object.entries(SSE_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    void res.body?.cancel();
  });

  it("streams what open sends", async () => {
    const res = createSseResponse({
      request: request(),
      open: (sink) => {
        sink.send({ id: 1, event: "state", data: { status: "idle" } });
        sink.close();
      },
    });
    expect(await res.text()).toBe('id: 1\nevent: state\ndata: {"status":"idle"}\n\n');
  });

  it("never opens for a request that was aborted already", async () => {
    const controller = new AbortController();
    controller.abort();
    const open = vi.fn();
    const res = createSseResponse({ request: request({ signal: controller.signal }), open });
    expect(await res.text()).toBe("");
    expect(open).not.toHaveBeenCalled();
  });

  it("cleans up on abort while open is still awaiting", async () => {
    const controller = new AbortController();
    const cleanup = vi.fn();
    const returnedCleanup = vi.fn();
    let release!: () => void;
    const res = createSseResponse({
      request: request({ signal: controller.signal }),
      async open(sink) {
        sink.onClose(cleanup); // before the first await
        await new Promise<void>((resolve) => (release = resolve));
        return returnedCleanup;
      },
    });
    expect(cleanup).not.toHaveBeenCalled();
    controller.abort();
    expect(cleanup).toHaveBeenCalledTimes(1);
    // A cleanup handed back after the client left runs at once.
    release();
    await vi.waitFor(() => expect(returnedCleanup).toHaveBeenCalledTimes(1));
    expect(await res.text()).toBe("");
  });

  it("cleans up when the consumer cancels the body, once", async () => {
    const controller = new AbortController();
    const cleanup = vi.fn();
    const res = createSseResponse({ request: request({ signal: controller.signal }), open: () => cleanup });
    await Promise.resolve();
    await res.body!.cancel();
    controller.abort();
    await vi.waitFor(() => expect(cleanup).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 0));
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it("tolerates sends after close", async () => {
    let captured!: SseSink;
    const res = createSseResponse({
      request: request(),
      open: (sink) => {
        captured = sink;
      },
    });
    await res.body!.cancel();
    expect(captured.closed).toBe(true);
    expect(captured.send({ event: "typing", data: {} })).toBe(false);
    expect(captured.comment("x")).toBe(false);
    expect(() => captured.close()).not.toThrow();
  });

  it("closes the stream when open throws", async () => {
    const onError = vi.fn();
    const res = createSseResponse({
      request: request(),
      onError,
      open: async () => {
        throw new Error("snapshot failed");
      },
    });
    expect(await res.text()).toBe("");
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "snapshot failed" }));
  });

  it("sends a keep-alive comment every keepAliveMs and stops the timer on close", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const res = createSseResponse({ request: request({ signal: controller.signal }), keepAliveMs: 15_000, open: () => {} });
    const reader = new SseReader(res);
    vi.advanceTimersByTime(14_999);
    vi.advanceTimersByTime(1);
    expect(await reader.next()).toEqual({ comment: "keep-alive" });
    vi.advanceTimersByTime(15_000);
    expect(await reader.next()).toEqual({ comment: "keep-alive" });
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(vi.getTimerCount()).toBe(0);
    expect(await reader.next()).toBeNull();
  });

  it("sends retry first when asked", async () => {
    const res = createSseResponse({ request: request(), retryMs: 2500, open: (sink) => sink.close() });
    expect(await res.text()).toBe("retry: 2500\n\n");
  });

  it("drops a client that stops reading instead of buffering forever", async () => {
    const cleanup = vi.fn();
    let sink!: SseSink;
    const res = createSseResponse({
      request: request(),
      maxBufferedBytes: 1024,
      open: (s) => {
        sink = s;
        s.onClose(cleanup);
      },
    });
    let accepted = 0;
    while (sink.send({ event: "chat", data: "x".repeat(100) })) accepted += 1;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(20);
    expect(sink.closed).toBe(true);
    expect(cleanup).toHaveBeenCalledTimes(1);
    await expect(res.text()).rejects.toThrow(/not reading/);
  });
});

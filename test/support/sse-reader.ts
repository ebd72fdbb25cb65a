/**
 * A minimal SSE client for tests and tooling: reads a Response body and parses its frames the way
 * EventSource does (comments kept separately so keep-alives can be asserted).
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

export function parseSseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    if (block === "") continue;
    const frame: SseFrame = {};
    for (const line of block.split(/\r\n|\n|\r/)) {
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "") frame.comment = value;
      else if (field === "data") frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else if (field === "id" || field === "event" || field === "retry") frame[field] = value;
    }
    frames.push(frame);
  }
  return frames;
}

export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private queue: SseFrame[] = [];
  done = false;

  constructor(response: Response) {
    if (!response.body) throw new Error("response has no body");
    this.reader = response.body.getReader();
  }

  /** The next complete frame, or null when the stream ended. */
  async next(): Promise<SseFrame | null> {
    while (this.queue.length === 0) {
      if (this.done) return null;
      const { value, done } = await this.reader.read();
      if (done) {
        this.done = true;
        continue;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
      const end = this.buffer.lastIndexOf("\n\n");
      if (end === -1) continue;
      this.queue.push(...parseSseFrames(this.buffer.slice(0, end + 2)));
      this.buffer = this.buffer.slice(end + 2);
    }
    return this.queue.shift() ?? null;
  }

  /** The next n frames that are events (comments skipped). */
  async events(n: number): Promise<Array<{ id?: string; event?: string; data: unknown }>> {
    const out: Array<{ id?: string; event?: string; data: unknown }> = [];
    while (out.length < n) {
      const frame = await this.next();
      if (!frame) throw new Error(`stream ended after ${out.length} of ${n} events`);
      if (frame.data === undefined) continue;
      out.push({ id: frame.id, event: frame.event, data: JSON.parse(frame.data) });
    }
    return out;
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

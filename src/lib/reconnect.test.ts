import { describe, expect, it } from "vitest";
import { EVENT_STREAM_MAX_RETRY_MS, EVENT_STREAM_RETRY_MS, reconnectDelayMs } from "./reconnect";

describe("event stream reconnect delay", () => {
  it("never undercuts the server's retry:, grows exponentially and stops at the cap", () => {
    for (const r of [0, 0.5, 0.999]) {
      const delays = Array.from({ length: 12 }, (_, failures) => reconnectDelayMs(failures, () => r));
      for (const d of delays) expect(d).toBeGreaterThanOrEqual(EVENT_STREAM_RETRY_MS);
      for (const d of delays) expect(d).toBeLessThanOrEqual(EVENT_STREAM_MAX_RETRY_MS);
      expect(delays.at(-1)).toBeGreaterThanOrEqual(EVENT_STREAM_MAX_RETRY_MS / 2);
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    }
    expect(reconnectDelayMs(0, () => 0)).toBe(EVENT_STREAM_RETRY_MS);
  });

  it("spreads pages that failed together", () => {
    const spread = new Set(Array.from({ length: 50 }, (_, i) => reconnectDelayMs(4, () => i / 50)));
    expect(spread.size).toBeGreaterThan(40);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/matching/events/route";
import { EVENT_STREAM_RETRY_MS } from "@/lib/reconnect";
import { MAX_STREAMS_PER_USER } from "@/server/sessions/stream";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";
import { SseReader } from "@test/support/sse-reader";

/** Issue 14 item 7 (instructions/events.md "Streams per user"): a user's open streams are capped, the oldest goes. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function openEvents(user: TestUser) {
  const ac = new AbortController();
  const res = await eventsRoute.GET(new Request(apiRequest(user, "/api/matching/events"), { signal: ac.signal }));
  expect(res.status).toBe(200);
  const reader = new SseReader(res);
  const first = await reader.next();
  expect(first?.retry).toBe(String(EVENT_STREAM_RETRY_MS)); // what the page's backoff starts from
  expect((await reader.events(1))[0]?.event).toBe("state");
  return { reader, close: () => ac.abort() };
}

/** Reads until the stream ends (true) or nothing but keep-alives came for a while (false). */
async function ended(reader: SseReader, withinMs = 1_000): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), withinMs));
  const end = (async () => {
    while ((await reader.next()) !== null);
    return true as const;
  })();
  return Promise.race([end, timeout]);
}

describe("event streams per user", () => {
  it(`keeps at most ${MAX_STREAMS_PER_USER} open per user: one more closes the oldest, the newest always works`, async () => {
    const user = await h.newUser();
    const other = await h.newUser();
    const streams = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i++) streams.push(await openEvents(user));
    const others = await openEvents(other);
    const newest = await openEvents(user);
    expect(await ended(streams[0]!.reader)).toBe(true);
    for (const s of streams.slice(1)) expect(await ended(s.reader, 50)).toBe(false);
    expect(await ended(others.reader, 50)).toBe(false);

    // The newest still gets events.
    await h.deps.bus.publish(user.id, "cooldown", { until: new Date(h.clock.now + 60_000).toISOString() });
    expect((await newest.reader.events(1))[0]?.event).toBe("cooldown");
    // A closed stream frees its place: no further stream of this user is closed by the next one.
    streams[1]!.close();
    const replacement = await openEvents(user);
    for (const s of [...streams.slice(2), newest]) expect(await ended(s.reader, 50)).toBe(false);
    for (const s of [...streams, newest, replacement, others]) s.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import * as eventsRoute from "@/app/api/matching/events/route";
import * as revealRoute from "@/app/api/matching/reveal/route";
import * as sessionRoute from "@/app/api/matching/session/route";
import * as statusRoute from "@/app/api/matching/status/route";
import { SseReader } from "@test/support/sse-reader";
import { apiRequest, createHarness, type Harness, type TestUser } from "@test/support/harness";

/** Consent-first video over the real route handlers, Redis store and event bus (instructions/api.md "Reveal"). */

const post = (user: TestUser, path: string, body: unknown = {}) => apiRequest(user, path, { method: "POST", body });
const json = async (res: Response) => ({ status: res.status, body: await res.json() });

async function openEvents(user: TestUser) {
  const ac = new AbortController();
  const res = await eventsRoute.GET(new Request(apiRequest(user, "/api/matching/events"), { signal: ac.signal }));
  return { reader: new SseReader(res), close: () => ac.abort() };
}

async function nextEvent(reader: SseReader, name: string) {
  for (;;) {
    const [e] = await reader.events(1);
    if (e!.event === name) return e!;
  }
}

async function pair(a: TestUser, b: TestUser): Promise<string> {
  await enqueueRoute.POST(post(a, "/api/matching/enqueue", { mode: "any" }));
  const res = await json(await enqueueRoute.POST(post(b, "/api/matching/enqueue", { mode: "any" })));
  expect(res.body.status).toBe("in_session");
  return res.body.session.id;
}

const reveal = async (user: TestUser, sessionId: string) =>
  json(await revealRoute.POST(post(user, "/api/matching/reveal", { sessionId })));

describe("reveal (REVEAL_MODE=consent)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("starts unrevealed, records each side, tells both, survives a refresh, and ends with the call", async () => {
    const a = await h.newUser("Ann");
    const b = await h.newUser("Ben");
    const stranger = await h.newUser("Eve");
    const sessionId = await pair(a, b);
    const current = await json(await sessionRoute.GET(apiRequest(a, "/api/matching/session")));
    expect(current.body.session.revealed).toEqual({ me: false, partner: false });

    const streamA = await openEvents(a);
    const streamB = await openEvents(b);
    const [stateB] = await streamB.reader.events(1);
    expect(stateB!.data).toMatchObject({
      status: "in_session",
      session: { id: sessionId, revealed: { me: false, partner: false } },
    });
    await streamA.reader.events(1);

    expect((await reveal(stranger, sessionId)).status).toBe(403);
    const mine = await reveal(a, sessionId);
    expect(mine).toEqual({ status: 200, body: { revealed: { me: true, partner: false } } });
    expect((await nextEvent(streamA.reader, "reveal")).data).toEqual({ sessionId, me: true, partner: false });
    expect((await nextEvent(streamB.reader, "reveal")).data).toEqual({ sessionId, me: false, partner: true });

    // a refresh: the snapshot, the status and the session read carry it
    const again = await openEvents(b);
    const [refreshed] = await again.reader.events(1);
    expect(refreshed!.data).toMatchObject({ session: { revealed: { me: false, partner: true } } });
    again.close();
    const status = await json(await statusRoute.GET(apiRequest(b, "/api/matching/status")));
    expect(status.body.session.revealed).toEqual({ me: false, partner: true });

    // idempotent: the same answer, the notice sent again
    expect((await reveal(a, sessionId)).body).toEqual({ revealed: { me: true, partner: false } });
    expect((await nextEvent(streamB.reader, "reveal")).data).toEqual({ sessionId, me: false, partner: true });
    expect((await nextEvent(streamA.reader, "reveal")).data).toEqual({ sessionId, me: true, partner: false });

    expect((await reveal(b, sessionId)).body).toEqual({ revealed: { me: true, partner: true } });
    expect((await nextEvent(streamA.reader, "reveal")).data).toEqual({ sessionId, me: true, partner: true });
    const read = await json(await sessionRoute.GET(apiRequest(b, "/api/matching/session")));
    expect(read.body.session.revealed).toEqual({ me: true, partner: true });

    await endRoute.POST(post(a, "/api/matching/end"));
    const late = await reveal(b, sessionId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("NOT_IN_SESSION");

    // a new call of one of them starts blurred again
    const c = await h.newUser("Cat");
    const next = await pair(b, c);
    expect(next).not.toBe(sessionId);
    const fresh = await json(await sessionRoute.GET(apiRequest(b, "/api/matching/session")));
    expect(fresh.body.session.revealed).toEqual({ me: false, partner: false });
    streamA.close();
    streamB.close();
  });

  it("refuses a body without a session id or with extra fields", async () => {
    const a = await h.newUser("Dan");
    expect((await json(await revealRoute.POST(post(a, "/api/matching/reveal", {})))).status).toBe(400);
    expect((await json(await revealRoute.POST(post(a, "/api/matching/reveal", { sessionId: "x", userId: "y" })))).status).toBe(
      400,
    );
  });
});

describe("reveal (REVEAL_MODE=open)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ revealMode: "open" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("every call is revealed from the start", async () => {
    const a = await h.newUser("Fay");
    const b = await h.newUser("Gus");
    const sessionId = await pair(a, b);
    const current = await json(await sessionRoute.GET(apiRequest(a, "/api/matching/session")));
    expect(current.body.session.revealed).toEqual({ me: true, partner: true });
    expect((await reveal(b, sessionId)).body).toEqual({ revealed: { me: true, partner: true } });
  });
});

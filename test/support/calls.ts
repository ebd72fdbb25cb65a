/** Calls between test users over the real route handlers, for tests of what follows a call. */
import { expect } from "vitest";
import * as endRoute from "@/app/api/matching/end/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import { apiRequest, type Harness, type TestUser } from "./harness";

export const postAs = (user: TestUser | null, path: string, body: unknown = {}) =>
  apiRequest(user, path, { method: "POST", body });

/**
 * `a` waits, `b` is matched with them; after `lastedMs` on the harness clock `a` ends the call
 * (unless `end: false`). Returns the session id.
 */
export async function callBetween(
  h: Harness,
  a: TestUser,
  b: TestUser,
  options: { lastedMs: number; end?: boolean },
): Promise<string> {
  await enqueueRoute.POST(postAs(a, "/api/matching/enqueue", { mood: "chill" }));
  const matched = await (await enqueueRoute.POST(postAs(b, "/api/matching/enqueue", { mood: "chill" }))).json();
  expect(matched.status, JSON.stringify(matched)).toBe("in_session");
  h.clock.advance(options.lastedMs);
  if (options.end ?? true) expect((await endRoute.POST(postAs(a, "/api/matching/end"))).status).toBe(200);
  return matched.session.id as string;
}

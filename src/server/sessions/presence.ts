import "server-only";
import type { AppServices } from "../app-services";

/**
 * LiveKit presence per session, keyed by participant sid (instructions/livekit.md "Rules"). A user who refreshes
 * the page leaves with the old sid and joins with a new one, sometimes in the wrong order, so a
 * departure is only pending: it ends the session if that same sid is still the current one
 * after DEPARTURE_GRACE_MS. Skip and Stop are explicit API calls and need no grace.
 */
export const DEPARTURE_GRACE_MS = 10_000;
const PRESENCE_TTL_MS = 24 * 3_600_000;
const DEPARTURES = "lk:departures";

const sidsKey = (sessionId: string) => `lk:sids:${sessionId}`;

/** Records a join; returns the identities currently present. */
export async function recordJoin(deps: AppServices, sessionId: string, identity: string, sid: string): Promise<string[]> {
  await deps.kv.hset(sidsKey(sessionId), identity, sid, PRESENCE_TTL_MS);
  await deps.kv.hdel(DEPARTURES, `${sessionId}|${identity}`);
  return Object.keys(await deps.kv.hgetall(sidsKey(sessionId)));
}

/** Records a leave of `sid`; returns false when that sid is not the identity's current one (stale). */
export async function recordLeave(
  deps: AppServices,
  sessionId: string,
  identity: string,
  sid: string,
  at: number,
): Promise<boolean> {
  const current = await deps.kv.hget(sidsKey(sessionId), identity);
  if (current !== null && current !== sid) return false;
  await deps.kv.hset(DEPARTURES, `${sessionId}|${identity}`, JSON.stringify({ sid, at }));
  return true;
}

/** Departures whose grace has run out and whose sid is still the current one. */
export async function dueDepartures(deps: AppServices, now: number): Promise<{ sessionId: string; identity: string }[]> {
  const pending = await deps.kv.hgetall(DEPARTURES);
  const due: { sessionId: string; identity: string }[] = [];
  for (const [field, value] of Object.entries(pending)) {
    const [sessionId, identity] = field.split("|") as [string, string];
    let parsed: { sid: string; at: number };
    try {
      parsed = JSON.parse(value);
    } catch {
      await deps.kv.hdel(DEPARTURES, field);
      continue;
    }
    if (now - parsed.at < DEPARTURE_GRACE_MS) continue;
    await deps.kv.hdel(DEPARTURES, field);
    const current = await deps.kv.hget(sidsKey(sessionId), identity);
    if (current === null || current === parsed.sid) due.push({ sessionId, identity });
  }
  return due;
}

/** Drops a finished session's presence: its sid map and any pending departure of its two members. */
export async function forgetRoomPresence(
  deps: AppServices,
  session: { id: string; a: { userId: string }; b: { userId: string } },
): Promise<void> {
  await Promise.all([
    deps.kv.hdel(DEPARTURES, `${session.id}|${session.a.userId}`),
    deps.kv.hdel(DEPARTURES, `${session.id}|${session.b.userId}`),
    deps.kv.del(sidsKey(session.id)),
  ]);
}

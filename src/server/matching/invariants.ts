import "server-only";
import type { Redis } from "ioredis";
import { decodeTicket, sessionFields, TICKET_PAD_FIELD } from "./redis-codec";
import { keyPrefix } from "./redis-store";

/**
 * Checks the Redis driver's live state for broken invariants (tests, benchmarks, operators):
 * queue ⇔ tickets ⇔ mood counters agree; nobody waits while in a session; every session pointer
 * points at a live session holding that user; every live session has two different users whose
 * pointers point back; nobody is in two live sessions. Returns human-readable violations.
 */
export async function checkRedisInvariants(redis: Redis, namespace: string): Promise<string[]> {
  const p = keyPrefix(namespace);
  const problems: string[] = [];
  const [queue, tix, cur, moods, liveIds] = await Promise.all([
    redis.zrange(`${p}q`, 0, -1),
    redis.hgetall(`${p}tix`).then((all) => {
      delete all[TICKET_PAD_FIELD];
      return all;
    }),
    redis.hgetall(`${p}cur`),
    redis.hgetall(`${p}moods`),
    redis.zrange(`${p}live`, 0, -1),
  ]);
  const queued = new Set(queue);
  for (const u of queued) if (!(u in tix)) problems.push(`queued without ticket: ${u}`);
  for (const u of Object.keys(tix)) {
    if (!queued.has(u)) problems.push(`ticket not in queue: ${u}`);
    if (u in cur) problems.push(`waiting while in session: ${u}`);
  }
  const moodTotal = Object.values(moods).reduce((s, n) => s + Number(n), 0);
  if (moodTotal !== queue.length) problems.push(`mood counters ${moodTotal} ≠ queue ${queue.length}`);
  const byMood = new Map<string, number>();
  for (const v of Object.values(tix)) byMood.set(v[0]!, (byMood.get(v[0]!) ?? 0) + 1);
  for (const [digit, n] of Object.entries(moods)) {
    if (Number(n) !== (byMood.get(digit) ?? 0)) problems.push(`mood ${digit} counter ${n} ≠ ${byMood.get(digit) ?? 0}`);
  }
  for (const v of Object.values(tix)) decodeTicket(v); // must parse

  const sessions = liveIds.length ? (await redis.mget(liveIds.map((id) => `${p}s:${id}`))).map(sessionFields) : [];
  const memberOf = new Map<string, string>();
  liveIds.forEach((id, i) => {
    const s = sessions[i] ?? {};
    if (!s.a || s.e) return void problems.push(`live index holds a dead session: ${id}`);
    if (s.a === s.b) problems.push(`session ${id} pairs ${s.a} with themself`);
    for (const u of [s.a, s.b!]) {
      if (memberOf.has(u)) problems.push(`user ${u} in two live sessions: ${memberOf.get(u)} and ${id}`);
      memberOf.set(u, id);
      if (cur[u] !== id) problems.push(`user ${u} of live session ${id} points at ${cur[u] ?? "nothing"}`);
    }
  });
  for (const [u, id] of Object.entries(cur))
    if (memberOf.get(u) !== id) problems.push(`pointer ${u} → ${id} has no live session`);
  return problems;
}

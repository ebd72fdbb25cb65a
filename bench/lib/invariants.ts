/**
 * Invariants of instructions/matching.md "Rules" checked over a run's client-side history, the Postgres record and
 * the live Redis state:
 * - no user in two live sessions at once (record intervals, SSE order, Redis snapshot);
 * - no self-match;
 * - no lost ticket and no lost notification (the client's belief agrees with /status when it
 *   re-reads it, every recorded session reached both members, every end reached both);
 * - every session ended exactly once with a reason (final check, after ending everything);
 * - no blocked or recent pair matched again (the whole run is inside REMATCH_WINDOW);
 * - the live store and the record agree (open rows = live sessions) at a quiet checkpoint.
 */
import type Redis from "ioredis";
import { END_REASONS } from "@/lib/schemas";
import { checkRedisInvariants } from "@/server/matching/invariants";
import { keyPrefix } from "@/server/matching/redis-store";
import type { History } from "./history";
import { readRecords, type BlockRow, type SessionRow } from "./records";

export interface CheckInput {
  history: History;
  sessions: SessionRow[];
  blocks: BlockRow[];
  /** user id → nickname of every simulated user. */
  nicknames: Map<string, string>;
  redis?: { client: Redis; namespace: string };
  /** After every user ended: all sessions must be closed in the record and in Redis. */
  final: boolean;
}

export interface CheckResult {
  /** Violation count per check. */
  counts: Record<string, number>;
  total: number;
  /** Up to 5 examples per check. */
  examples: Record<string, string[]>;
  /** Every violation as `check: detail` (to tell new ones from ones already reported). */
  all: string[];
}

/** Reads the run's Postgres record and checks it against the history and the live Redis state. */
export async function checkRun(
  run: { databaseUrl: string; redis: Redis; namespace: string; history: History; nicknames: Map<string, string> },
  final: boolean,
): Promise<{ records: Awaited<ReturnType<typeof readRecords>>; result: CheckResult }> {
  const records = await readRecords(run.databaseUrl);
  const result = await checkInvariants({
    history: run.history,
    sessions: records.sessions,
    blocks: records.blocks,
    nicknames: run.nicknames,
    redis: { client: run.redis, namespace: run.namespace },
    final,
  });
  return { records, result };
}

/** Resyncs that follow a failed request are expected (the client did not know the outcome). */
const ALARMING_RESYNC = /^(checkpoint|final|long wait|session not ended)/;

export async function checkInvariants(input: CheckInput): Promise<CheckResult> {
  const found: Array<[string, string]> = [];
  const flag = (check: string, detail: string) => found.push([check, detail]);
  const { sessions, history } = input;

  // -- self-match, and the record's per-user timeline
  const byUser = new Map<string, SessionRow[]>();
  for (const s of sessions) {
    if (s.userA === s.userB) flag("selfMatch", `session ${s.id} pairs ${s.userA} with themself`);
    for (const u of [s.userA, s.userB]) (byUser.get(u) ?? byUser.set(u, []).get(u)!).push(s);
  }
  for (const e of history.of("sse")) {
    if (e.event === "matched" && e.partner !== undefined && e.partner === input.nicknames.get(e.user))
      flag("selfMatch", `${e.user} was told it matched itself in ${e.sessionId}`);
  }

  // -- two live sessions at once, by the record
  for (const [user, list] of byUser) {
    list.sort((a, b) => a.createdAt - b.createdAt);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      if (prev.endedAt === null || cur.createdAt < prev.endedAt)
        flag(
          "twoLiveSessions",
          `${user}: ${cur.id} created at ${cur.createdAt.toFixed(1)} while ${prev.id} live until ${prev.endedAt ?? "never"}`,
        );
    }
  }

  // -- two live sessions at once, as each user's stream told it (reset by every state snapshot).
  // A stream that jumps from S1 to S2 when the record ended S1 first only missed S1's end
  // (reported as lostEndNotice below if it never came); otherwise both were live at once.
  const byId = new Map(sessions.map((x) => [x.id, x]));
  const current = new Map<string, string | null>();
  for (const e of history.of("sse")) {
    if (e.covered) continue;
    if (e.event === "state") current.set(e.user, e.status === "in_session" ? (e.sessionId ?? null) : null);
    else if (e.event === "matched") {
      const cur = current.get(e.user);
      const prev = cur ? byId.get(cur) : undefined;
      const next = e.sessionId ? byId.get(e.sessionId) : undefined;
      const endedFirst = prev?.endedAt != null && next !== undefined && prev.endedAt <= next.createdAt;
      if (cur && cur !== e.sessionId && !endedFirst)
        flag("twoLiveSessions", `${e.user} got matched ${e.sessionId} while its stream still had ${cur} live`);
      current.set(e.user, e.sessionId ?? null);
    } else if ((e.event === "partner_left" || e.event === "session_ended") && current.get(e.user) === e.sessionId)
      current.set(e.user, null);
  }

  // -- rematches (recent pair or blocked pair)
  const met = new Map<string, SessionRow>();
  const blockedAt = new Map<string, number>();
  const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  for (const b of input.blocks) {
    const k = pairKey(b.blocker, b.blocked);
    blockedAt.set(k, Math.min(blockedAt.get(k) ?? Infinity, b.createdAt));
  }
  for (const s of [...sessions].sort((a, b) => a.createdAt - b.createdAt)) {
    const k = pairKey(s.userA, s.userB);
    const before = met.get(k);
    if (before) flag("rematch", `${k} met in ${before.id} and again in ${s.id}`);
    if ((blockedAt.get(k) ?? Infinity) < s.createdAt) flag("blockedRematch", `${k} matched in ${s.id} after a block`);
    met.set(k, s);
  }

  // -- notifications: every recorded session reached both members, every end reached both, once
  const mentioned = new Set<string>();
  const endIds = new Map<string, Set<number>>();
  const endReason = new Map<string, string>();
  for (const e of history.entries) {
    if (e.kind === "req" && e.sessionId) mentioned.add(`${e.user}|${e.sessionId}`);
    if (e.kind !== "sse" || !e.sessionId) continue;
    mentioned.add(`${e.user}|${e.sessionId}`);
    if (e.event === "partner_left" || e.event === "session_ended") {
      const k = `${e.user}|${e.sessionId}`;
      (endIds.get(k) ?? endIds.set(k, new Set()).get(k)!).add(e.id);
      if (e.reason) endReason.set(k, e.reason);
    }
  }
  // Sessions the clients were told about (answers, events, /status) must be in the record.
  const told = new Map<string, string>();
  for (const e of history.entries) {
    const id =
      e.kind === "req" || e.kind === "sse"
        ? e.sessionId
        : e.kind === "resync" && e.server.startsWith("in_session ")
          ? e.server.slice(11)
          : undefined;
    if (id && !told.has(id)) told.set(id, e.user);
  }
  for (const [id, user] of told)
    if (!byId.has(id)) flag("unrecordedSession", `session ${id} (seen by ${user}) is not in Postgres`);

  for (const s of sessions) {
    for (const u of [s.userA, s.userB]) {
      if (!input.nicknames.has(u)) continue;
      if (!mentioned.has(`${u}|${s.id}`)) flag("lostMatchNotice", `${u} never heard of session ${s.id}`);
      const ends = endIds.get(`${u}|${s.id}`);
      if (ends && ends.size > 1) flag("endedTwice", `${u} was told ${ends.size} times that ${s.id} ended`);
      if (s.endedAt !== null && input.final && !ends)
        flag("lostEndNotice", `${u} was never told that ${s.id} ended (${s.endReason})`);
      const toldReason = endReason.get(`${u}|${s.id}`);
      if (toldReason && s.endReason && toldReason !== s.endReason)
        flag("endReasonMismatch", `${u} was told ${s.id} ended by ${toldReason}, the record says ${s.endReason}`);
    }
  }

  // -- every session ended exactly once, with a reason (after the run wound down)
  if (input.final) {
    for (const s of sessions) {
      if (s.endedAt === null) flag("sessionNotEnded", `${s.id} (${s.userA}/${s.userB}) has no end in Postgres`);
      else if (!s.endReason || !(END_REASONS as readonly string[]).includes(s.endReason))
        flag("sessionNoReason", `${s.id} ended without a valid reason (${s.endReason})`);
    }
  }

  // -- lost tickets / lost notifications seen by re-reading /status
  for (const r of history.of("resync")) {
    if (!ALARMING_RESYNC.test(r.why)) continue;
    const kind =
      r.believed === "waiting" && r.server === "idle"
        ? "lostTicket"
        : r.believed === "waiting" && r.server.startsWith("in_session")
          ? "lostMatchNotice"
          : r.believed.startsWith("in_session") && r.server !== r.believed
            ? "lostEndNotice"
            : r.server === "unreachable"
              ? "statusUnreachable"
              : "phantomState";
    flag(kind, `${r.user} (${r.why}): believed ${r.believed}, server ${r.server}`);
  }

  // -- the live store
  if (input.redis) {
    const { client, namespace } = input.redis;
    for (const p of await checkRedisInvariants(client, namespace)) flag("redisState", p);
    const prefix = keyPrefix(namespace);
    const live = new Set(await client.zrange(`${prefix}live`, 0, -1));
    const open = new Set(sessions.filter((s) => s.endedAt === null).map((s) => s.id));
    for (const id of live) if (!open.has(id)) flag("recordMismatch", `live session ${id} has no open row in Postgres`);
    for (const id of open) if (!live.has(id)) flag("recordMismatch", `open row ${id} is not a live session in Redis`);
    if (input.final) {
      const waiting = await client.zcard(`${prefix}q`);
      if (waiting > 0) flag("leftoverTickets", `${waiting} tickets still queued after every user ended`);
    }
  }

  const counts: Record<string, number> = {};
  const examples: Record<string, string[]> = {};
  for (const [check, detail] of found) {
    counts[check] = (counts[check] ?? 0) + 1;
    const list = (examples[check] ??= []);
    if (list.length < 5) list.push(detail);
  }
  return { counts, total: found.length, examples, all: found.map(([c, d]) => `${c}: ${d}`) };
}

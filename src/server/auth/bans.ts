import "server-only";
import { activeBans } from "../db/users";
import type { AppServices } from "../app-services";

/**
 * Bans for the session check (instructions/safety-and-operations.md "Banned sessions"): a signed-in
 * user's JWT stays valid for 30 days, so every authenticated API call and every open event stream
 * must also ask "banned?" — at low cost. Bans are rare, so each instance keeps the set of banned
 * users in memory and reloads it from Postgres only when the shared ban epoch (one key in the
 * key-value store, bumped by every ban) changes; the epoch is read at most every CHECK_MS per
 * instance. A check is then a map lookup; open streams of a newly banned user are ended on the next
 * refresh. If the store or Postgres fails, the last known set is kept (logged): a blip must not
 * turn every call into a 503, and enqueue re-checks bans from Postgres anyway (profiles.ts).
 */
const EPOCH_KEY = "bans:epoch";
/** Real time between epoch reads (the services' clock may be a test's). */
const CHECK_MS = 2_000;

type Deps = Pick<AppServices, "db" | "kv" | "log" | "now">;

interface BanState {
  epoch: string | null | undefined;
  checkedAt: number;
  banned: Map<string, number>;
  refreshing: Promise<void> | null;
  streams: Map<string, Set<() => void>>;
  timer: NodeJS.Timeout | null;
}

const holder = globalThis as unknown as { __mmBans?: BanState };
function state(): BanState {
  holder.__mmBans ??= {
    epoch: undefined,
    checkedAt: -Infinity,
    banned: new Map(),
    refreshing: null,
    streams: new Map(),
    timer: null,
  };
  return holder.__mmBans;
}

/** When the user's ban ends (epoch ms), or null if not banned. */
export async function bannedUntil(deps: Deps, userId: string): Promise<number | null> {
  await refresh(deps);
  const until = state().banned.get(userId);
  return until !== undefined && until > deps.now() ? until : null;
}

/** After writing a ban to Postgres: every instance reloads its set on its next check; this one now. */
export async function announceBan(deps: Deps): Promise<void> {
  await deps.kv.set(EPOCH_KEY, `${deps.now()}-${Math.random().toString(36).slice(2)}`);
  state().checkedAt = -Infinity;
  await refresh(deps);
}

/** Calls `end` once the user is banned (checked every CHECK_MS); returns the cleanup. */
export function endWhenBanned(deps: Deps, userId: string, end: () => void): () => void {
  const s = state();
  let set = s.streams.get(userId);
  if (!set) s.streams.set(userId, (set = new Set()));
  set.add(end);
  s.timer ??= setInterval(() => void refresh(deps), CHECK_MS);
  s.timer.unref?.();
  return () => {
    const current = s.streams.get(userId);
    current?.delete(end);
    if (current?.size === 0) s.streams.delete(userId);
    if (s.streams.size === 0 && s.timer) {
      clearInterval(s.timer);
      s.timer = null;
    }
  };
}

function refresh(deps: Deps): Promise<void> {
  const s = state();
  if (s.refreshing) return s.refreshing;
  if (Date.now() - s.checkedAt < CHECK_MS) return Promise.resolve();
  s.refreshing = load(deps, s).finally(() => {
    s.refreshing = null;
  });
  return s.refreshing;
}

async function load(deps: Deps, s: BanState): Promise<void> {
  try {
    const epoch = await deps.kv.get(EPOCH_KEY);
    if (epoch !== s.epoch) {
      const rows = await activeBans(deps.db, new Date(deps.now()));
      s.banned = new Map(rows.map((r) => [r.id, r.bannedUntil.getTime()]));
      s.epoch = epoch;
    }
    s.checkedAt = Date.now();
  } catch (err) {
    s.checkedAt = Date.now(); // retry after CHECK_MS, not on every request
    deps.log.warn(
      { err: err instanceof Error ? { name: err.name, code: (err as { code?: unknown }).code } : String(err) },
      "could not refresh the ban list",
    );
    return;
  }
  const now = deps.now();
  for (const [userId, ends] of s.streams) {
    const until = s.banned.get(userId);
    if (until !== undefined && until > now) for (const end of [...ends]) end();
  }
}

/** For tests: forget everything this process knows. */
export function resetBans(): void {
  const s = holder.__mmBans;
  if (s?.timer) clearInterval(s.timer);
  holder.__mmBans = undefined;
}

import "server-only";
import { openSessionsBefore, recordSessionEnd } from "../db/sessions";
import { singleFlight } from "../kv";
import { sessionIdFromRoomName } from "../livekit/room-names";
import { announceEnd, announcePending } from "./announce";
import type { AppServices } from "../app-services";
import { expireAbsent } from "./background";
import { runRetention, type RetentionReport } from "./retention";
import { settlePendingSafetyWrites } from "./safety-writes";

/** A room younger than this may belong to a session being created right now: leave it alone. */
const ROOM_GRACE_MS = 60_000;
/** No conversation lasts this long; such a session was lost track of. */
const MAX_SESSION_MS = 12 * 3_600_000;

export interface CleanupReport {
  ran: boolean;
  staleTickets: number;
  staleSessions: number;
  orphanRooms: number;
  goneRooms: number;
  unrecordedEnds: number;
  livekitReachable: boolean;
  /** Held Block/Report records written by this run, and those still waiting (safety-writes.ts). */
  safetyWrites: { recorded: number; pending: number };
  /** The hourly retention job (sessions/retention.ts), when this run did it. */
  retention: RetentionReport;
}

/**
 * The cron backstop (instructions/livekit.md "Rules"): stale tickets and sessions, held Block and
 * Report records not yet written, `mm_*` rooms without a live session, live sessions whose room is gone, and Postgres records left open by a crash. Only
 * one instance runs it at a time; a concurrent call answers `ran: false`.
 */
export async function runCleanup(deps: AppServices): Promise<CleanupReport> {
  const result = await singleFlight(deps.kv, "cron:cleanup", 120_000, () => cleanup(deps));
  if (result.ran) return result.value;
  return {
    ran: false,
    staleTickets: 0,
    staleSessions: 0,
    orphanRooms: 0,
    goneRooms: 0,
    unrecordedEnds: 0,
    livekitReachable: true,
    safetyWrites: { recorded: 0, pending: 0 },
    retention: { ran: false, reports: 0, interestCounts: 0 },
  };
}

async function cleanup(deps: AppServices): Promise<CleanupReport> {
  const now = deps.now();
  const expired = await expireAbsent(deps);
  const safetyWrites = await settlePendingSafetyWrites(deps);
  let staleSessions = expired.timedOut;

  const live = await deps.store.listLiveSessions();
  for (const session of live) {
    if (now - session.createdAt < MAX_SESSION_MS) continue;
    const ended = await deps.store.endSession(session.id, "timeout", null, now);
    if (ended) {
      await announceEnd(deps, ended, null);
      staleSessions++;
    }
  }

  let orphanRooms = 0;
  let goneRooms = 0;
  let livekitReachable = true;
  try {
    const rooms = await deps.rooms.listSessionRooms();
    const stillLive = await deps.store.listLiveSessions();
    const liveIds = new Set(stillLive.map((s) => s.id));
    const roomIds = new Set<string>();
    for (const room of rooms) {
      const id = sessionIdFromRoomName(room.name);
      if (id) roomIds.add(id);
      if (id && liveIds.has(id)) continue;
      if (now - room.creationTime < ROOM_GRACE_MS) continue;
      await deps.rooms.deleteRoom(room.name);
      orphanRooms++;
    }
    for (const session of stillLive) {
      if (roomIds.has(session.id) || now - session.createdAt < ROOM_GRACE_MS) continue;
      const ended = await deps.store.endSession(session.id, "disconnect", null, now);
      if (ended) {
        await announceEnd(deps, ended, null);
        goneRooms++;
      }
    }
  } catch (err) {
    livekitReachable = false;
    deps.log.warn({ err }, "cleanup: LiveKit unreachable, room reconciliation skipped");
  }

  // Records still open in Postgres for sessions the store no longer has and whose end is not
  // waiting in the outbox (that would record the real reason): lost in a crash of the store.
  await announcePending(deps);
  let unrecordedEnds = 0;
  const liveIds = new Set((await deps.store.listLiveSessions()).map((s) => s.id));
  const pendingEnds = new Set((await deps.store.unannounced(now, 1_000)).ends.map((e) => e.id));
  for (const row of await openSessionsBefore(deps.db, new Date(now - ROOM_GRACE_MS))) {
    if (liveIds.has(row.id) || pendingEnds.has(row.id)) continue;
    if (await recordSessionEnd(deps.db, { id: row.id, endedAt: now, reason: "timeout", endedBy: null })) unrecordedEnds++;
  }

  const retention = await runRetention(deps);

  return {
    ran: true,
    staleTickets: expired.droppedTickets,
    staleSessions,
    orphanRooms,
    goneRooms,
    unrecordedEnds,
    livekitReachable,
    safetyWrites,
    retention,
  };
}

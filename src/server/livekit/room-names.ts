/**
 * Room naming: one LiveKit room per match session, `<prefix>_<sessionId>`. The prefix names the
 * deployment (`LIVEKIT_ROOM_PREFIX`, default derived from `REDIS_NAMESPACE`: `mm`), so several
 * deployments can share one LiveKit project without one's cleanup cron deleting another's rooms
 * (instructions/livekit.md "Rules", instructions/safety-and-operations.md "LiveKit room prefix").
 * Safe to import anywhere (the cleanup cron and the webhook handler both map rooms back to sessions).
 *
 * A prefix has no `_`, so the first `_` of a name ends it: `mm_x_1` is never a room of a
 * deployment whose prefix is `mm_x`, and no deployment claims another's rooms.
 */
export const DEFAULT_ROOM_PREFIX = "mm";
export const ROOM_PREFIX_PATTERN = /^[A-Za-z0-9-]{1,32}$/;

/**
 * The process's prefix, set once by the composition root (services.ts) before any room is named.
 * Kept on globalThis like the services: Next may evaluate this module once per route bundle.
 */
const holder = globalThis as unknown as { __mmRoomPrefix?: string };

export function configureRoomPrefix(prefix: string): void {
  if (!ROOM_PREFIX_PATTERN.test(prefix)) throw new Error(`room prefix "${prefix}": letters, digits and - only`);
  holder.__mmRoomPrefix = prefix;
}

export function roomPrefix(): string {
  return holder.__mmRoomPrefix ?? DEFAULT_ROOM_PREFIX;
}

/** `REDIS_NAMESPACE` as a room prefix: `_` (which ends a prefix) becomes `-`. */
export function roomPrefixFromNamespace(namespace: string): string {
  return namespace.replace(/_/g, "-").slice(0, 32) || DEFAULT_ROOM_PREFIX;
}

export function roomNameForSession(sessionId: string, prefix = roomPrefix()): string {
  if (!sessionId) throw new Error("roomNameForSession: sessionId is empty");
  return `${prefix}_${sessionId}`;
}

/** The session id encoded in a room name, or null for rooms this deployment did not create. */
export function sessionIdFromRoomName(roomName: string | null | undefined, prefix = roomPrefix()): string | null {
  const start = `${prefix}_`;
  if (!roomName || !roomName.startsWith(start)) return null;
  const id = roomName.slice(start.length);
  return id.length > 0 ? id : null;
}

export function isSessionRoom(roomName: string, prefix = roomPrefix()): boolean {
  return sessionIdFromRoomName(roomName, prefix) !== null;
}

/**
 * Room naming: one LiveKit room per match session, `mm_<sessionId>`. Pure functions, safe to
 * import anywhere (the cleanup cron and the webhook handler both map rooms back to sessions).
 */

export const SESSION_ROOM_PREFIX = "mm_";

export function roomNameForSession(sessionId: string): string {
  if (!sessionId) throw new Error("roomNameForSession: sessionId is empty");
  return `${SESSION_ROOM_PREFIX}${sessionId}`;
}

/** The session id encoded in a room name, or null for rooms this app did not create. */
export function sessionIdFromRoomName(roomName: string | null | undefined): string | null {
  if (!roomName || !roomName.startsWith(SESSION_ROOM_PREFIX)) return null;
  const id = roomName.slice(SESSION_ROOM_PREFIX.length);
  return id.length > 0 ? id : null;
}

export function isSessionRoom(roomName: string): boolean {
  return sessionIdFromRoomName(roomName) !== null;
}

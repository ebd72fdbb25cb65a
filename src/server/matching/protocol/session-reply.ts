import "server-only";
import { endedSessionFrom, sessionFields, sessionFrom } from "../redis-codec";
import type { EndedSession, LiveSession } from "../types";

/** A session the functions reply with (its stored value); the caller knows it exists. */
export function sessionReply(value: unknown): LiveSession {
  const fields = sessionFields(value);
  if (!fields) throw new Error("matching function replied without a session");
  return sessionFrom(fields);
}

/** An ended session the functions reply with, or null (they reply false when nothing ended). */
export function endedSessionReply(value: unknown): EndedSession | null {
  const fields = sessionFields(value);
  return fields ? endedSessionFrom(fields) : null;
}

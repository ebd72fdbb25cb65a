import "server-only";
import { randomUUID } from "node:crypto";
import type { KeyValueStore } from "./kv";

export type SingleFlightResult<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs fn only in the one caller (across all instances) that acquires the lock `lock:<name>`;
 * everyone else gets {ran:false} at once. The lock expires after ttlMs in case the holder dies,
 * and is released afterwards only if this caller still owns it (a slow fn whose lock expired
 * and was taken by someone else does not release theirs). Errors from fn propagate.
 */
export async function singleFlight<T>(
  kv: KeyValueStore,
  name: string,
  ttlMs: number,
  fn: () => Promise<T> | T,
): Promise<SingleFlightResult<T>> {
  const key = `lock:${name}`;
  const token = randomUUID();
  if (!(await kv.setIfAbsent(key, token, ttlMs))) return { ran: false };
  try {
    return { ran: true, value: await fn() };
  } finally {
    await kv.deleteIfEquals(key, token);
  }
}

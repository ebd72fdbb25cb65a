/**
 * A tiny key-value port for the sessions module: webhook dedupe, locks, per-session
 * participant bookkeeping, chat transcripts and pending safety writes. Two drivers (Redis, in-process) pass one contract suite.
 * Values are strings; TTLs are milliseconds and must be positive integers.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Overwrites; without ttlMs the key does not expire (any previous TTL is dropped). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** SET NX PX: true only for the caller that created the key (dedupe, lock acquire). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** True if the key existed. */
  del(key: string): Promise<boolean>;
  /** Deletes only while the key still holds value (safe lock release); true if it did. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /** Sets the key's TTL; false if it does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Sets one field; with ttlMs the whole hash expires that long from now. */
  hset(key: string, field: string, value: string, ttlMs?: number): Promise<void>;
  hget(key: string, field: string): Promise<string | null>;
  /** True if the field existed. */
  hdel(key: string, field: string): Promise<boolean>;
  /** All fields; {} for a missing key. */
  hgetall(key: string): Promise<Record<string, string>>;
  /**
   * Appends to a list, keeps only its newest `maxItems` and sets the whole list's TTL, in one
   * atomic step (a per-session chat transcript: bounded, and never immortal).
   */
  appendToList(key: string, value: string, maxItems: number, ttlMs: number): Promise<void>;
  /** The whole list, oldest first; [] for a missing key. */
  readList(key: string): Promise<string[]>;
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`TTL must be a positive integer of ms, got ${ttlMs}`);
}

export function assertMaxItems(maxItems: number): void {
  if (!Number.isSafeInteger(maxItems) || maxItems <= 0) throw new Error(`maxItems must be a positive integer, got ${maxItems}`);
}

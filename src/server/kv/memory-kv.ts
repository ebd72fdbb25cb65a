import "server-only";
import { assertMaxItems, assertTtl, type KeyValueStore } from "./kv";

type Entry =
  | { kind: "string"; value: string; expiresAt: number | null }
  | { kind: "hash"; fields: Map<string, string>; expiresAt: number | null }
  | { kind: "list"; items: string[]; expiresAt: number | null };

/** Expired keys nobody reads again (a webhook's dedupe key) are swept at most this often, on a write. */
const PRUNE_EVERY_MS = 60_000;

export interface MemoryKeyValueOptions {
  /** Clock for TTLs (tests inject one). */
  now?: () => number;
}

/** The in-process driver with Redis semantics (lazy expiry, WRONGTYPE on a kind mismatch). */
export interface MemoryKeyValueStore extends KeyValueStore {
  /** Keys held, expired ones not yet swept included (tests: nothing piles up). */
  keyCount(): number;
}

export function createMemoryKeyValueStore(options: MemoryKeyValueOptions = {}): MemoryKeyValueStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let prunedAt = now();

  /** Expiry is lazy, as in Redis, plus this sweep so keys written once and never read again do not pile up. */
  function pruneExpired(): void {
    const t = now();
    if (t - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = t;
    for (const [key, entry] of entries) if (entry.expiresAt !== null && t >= entry.expiresAt) entries.delete(key);
  }

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== null && now() >= entry.expiresAt) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function hashOf(key: string): Map<string, string> | undefined {
    const entry = live(key);
    if (!entry) return undefined;
    if (entry.kind !== "hash") throw wrongType();
    return entry.fields;
  }

  function listOf(key: string): string[] | undefined {
    const entry = live(key);
    if (!entry) return undefined;
    if (entry.kind !== "list") throw wrongType();
    return entry.items;
  }

  return {
    async get(key) {
      const entry = live(key);
      if (!entry) return null;
      if (entry.kind !== "string") throw wrongType();
      return entry.value;
    },
    async set(key, value, ttlMs) {
      if (ttlMs !== undefined) assertTtl(ttlMs);
      pruneExpired();
      entries.set(key, { kind: "string", value, expiresAt: ttlMs === undefined ? null : now() + ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      assertTtl(ttlMs);
      pruneExpired();
      if (live(key)) return false;
      entries.set(key, { kind: "string", value, expiresAt: now() + ttlMs });
      return true;
    },
    async del(key) {
      return live(key) !== undefined && entries.delete(key);
    },
    async deleteIfEquals(key, value) {
      const entry = live(key);
      if (entry?.kind !== "string" || entry.value !== value) return false;
      return entries.delete(key);
    },
    async expire(key, ttlMs) {
      assertTtl(ttlMs);
      const entry = live(key);
      if (!entry) return false;
      entry.expiresAt = now() + ttlMs;
      return true;
    },
    async hset(key, field, value, ttlMs) {
      if (ttlMs !== undefined) assertTtl(ttlMs);
      pruneExpired();
      let fields = hashOf(key);
      if (!fields) {
        fields = new Map();
        entries.set(key, { kind: "hash", fields, expiresAt: null });
      }
      fields.set(field, value);
      if (ttlMs !== undefined) entries.get(key)!.expiresAt = now() + ttlMs;
    },
    async hget(key, field) {
      return hashOf(key)?.get(field) ?? null;
    },
    async hdel(key, field) {
      const fields = hashOf(key);
      if (!fields) return false;
      const existed = fields.delete(field);
      // Redis deletes a hash when its last field goes.
      if (fields.size === 0) entries.delete(key);
      return existed;
    },
    async hgetall(key) {
      return Object.fromEntries(hashOf(key) ?? []);
    },
    async appendToList(key, value, maxItems, ttlMs) {
      assertTtl(ttlMs);
      assertMaxItems(maxItems);
      pruneExpired();
      let items = listOf(key);
      if (!items) entries.set(key, { kind: "list", items: (items = []), expiresAt: null });
      items.push(value);
      if (items.length > maxItems) items.splice(0, items.length - maxItems);
      entries.get(key)!.expiresAt = now() + ttlMs;
    },
    async readList(key) {
      return [...(listOf(key) ?? [])];
    },
    keyCount: () => entries.size,
  };
}

function wrongType(): Error {
  return new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
}

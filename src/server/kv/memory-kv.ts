import "server-only";
import { assertTtl, type KeyValueStore } from "./kv";

type Entry =
  | { kind: "string"; value: string; expiresAt: number | null }
  | { kind: "hash"; fields: Map<string, string>; expiresAt: number | null };

export interface MemoryKeyValueOptions {
  /** Clock for TTLs (tests inject one). */
  now?: () => number;
}

/** The in-process driver with Redis semantics (lazy expiry, WRONGTYPE on a kind mismatch). */
export function createMemoryKeyValueStore(options: MemoryKeyValueOptions = {}): KeyValueStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

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

  return {
    async get(key) {
      const entry = live(key);
      if (!entry) return null;
      if (entry.kind !== "string") throw wrongType();
      return entry.value;
    },
    async set(key, value, ttlMs) {
      if (ttlMs !== undefined) assertTtl(ttlMs);
      entries.set(key, { kind: "string", value, expiresAt: ttlMs === undefined ? null : now() + ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      assertTtl(ttlMs);
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
  };
}

function wrongType(): Error {
  return new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
}

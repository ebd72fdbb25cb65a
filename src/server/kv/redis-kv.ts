import "server-only";
import { assertMaxItems, assertTtl, type KeyValueStore } from "./kv";
import { luaScript, runScript, type RedisCommandClient } from "./lua";

export interface RedisKeyValueOptions {
  redis: RedisCommandClient;
  /** Keys become `kv:<namespace>:<key>`; every operation touches one key, so Cluster is fine. */
  namespace?: string;
}

const DELETE_IF_EQUALS = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

export function createRedisKeyValueStore(options: RedisKeyValueOptions): KeyValueStore {
  const { redis } = options;
  const prefix = `kv:${options.namespace ?? "app"}:`;
  const k = (key: string) => prefix + key;

  return {
    async get(key) {
      return redis.get(k(key));
    },
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await redis.set(k(key), value);
      else {
        assertTtl(ttlMs);
        await redis.set(k(key), value, "PX", ttlMs);
      }
    },
    async setIfAbsent(key, value, ttlMs) {
      assertTtl(ttlMs);
      return (await redis.set(k(key), value, "PX", ttlMs, "NX")) === "OK";
    },
    async del(key) {
      return (await redis.del(k(key))) > 0;
    },
    async deleteIfEquals(key, value) {
      return Number(await runScript(redis, DELETE_IF_EQUALS, [k(key)], [value])) > 0;
    },
    async expire(key, ttlMs) {
      assertTtl(ttlMs);
      return (await redis.pexpire(k(key), ttlMs)) === 1;
    },
    async hset(key, field, value, ttlMs) {
      if (ttlMs === undefined) {
        await redis.hset(k(key), field, value);
        return;
      }
      assertTtl(ttlMs);
      // MULTI: the field and the TTL land together, so a crash cannot leave an immortal hash.
      const results = await redis.multi().hset(k(key), field, value).pexpire(k(key), ttlMs).exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("hset transaction aborted");
    },
    async hget(key, field) {
      return redis.hget(k(key), field);
    },
    async hdel(key, field) {
      return (await redis.hdel(k(key), field)) > 0;
    },
    async hgetall(key) {
      return redis.hgetall(k(key));
    },
    async appendToList(key, value, maxItems, ttlMs) {
      assertTtl(ttlMs);
      assertMaxItems(maxItems);
      const results = await redis.multi().rpush(k(key), value).ltrim(k(key), -maxItems, -1).pexpire(k(key), ttlMs).exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("list append transaction aborted");
    },
    async readList(key) {
      return redis.lrange(k(key), 0, -1);
    },
  };
}

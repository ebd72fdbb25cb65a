export type { KeyValueStore } from "./kv";
export { createMemoryKeyValueStore, type MemoryKeyValueOptions } from "./memory-kv";
export { createRedisKeyValueStore, type RedisKeyValueOptions } from "./redis-kv";
export { singleFlight, type SingleFlightResult } from "./single-flight";
export type { RedisCommandClient } from "./lua";

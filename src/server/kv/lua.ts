import "server-only";
import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/** A command connection: a single node or a Cluster (every script keeps its keys in one slot). */
export type RedisCommandClient = Redis | Cluster;

export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * EVALSHA, falling back to EVAL when the server has not cached the script yet (first call, after
 * a restart or SCRIPT FLUSH). Unlike `defineCommand` this does not mutate the shared client.
 */
export async function runScript(
  redis: RedisCommandClient,
  script: LuaScript,
  keys: string[],
  args: Array<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
      return redis.eval(script.source, keys.length, ...keys, ...args);
    }
    throw error;
  }
}

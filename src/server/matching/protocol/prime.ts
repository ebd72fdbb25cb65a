import "server-only";
import type { FunctionProtocol } from "./header";

export interface PrimeData {
  excluded: string[];
  recent: { userId: string; at: number }[];
}

/** prime (lua/prime.lua): a user's exclusions and recent pairs, loaded once; false when already primed. */
export const primeFunction: FunctionProtocol<[userId: string, data: PrimeData], boolean> = {
  name: "prime",
  args: (userId, data) => [userId, data.excluded.length, ...data.excluded, ...data.recent.flatMap((r) => [r.userId, r.at])],
  decode: (reply) => Number(reply) === 1,
};

import "server-only";
import type { FunctionProtocol } from "./header";

/** cancel (lua/cancel.lua): whether a waiting ticket was removed. */
export const cancelFunction: FunctionProtocol<[userId: string], boolean> = {
  name: "cancel",
  args: (userId) => [userId],
  decode: (reply) => Number(reply) === 1,
};

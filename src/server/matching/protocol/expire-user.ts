import "server-only";
import type { EndedSession } from "../types";
import type { FunctionProtocol } from "./header";
import { endedSessionReply } from "./session-reply";

/** expireUser (lua/expire_user.lua): a user re-checked as absent since `cutoff`: ticket dropped, session timed out. */
export const expireUserFunction: FunctionProtocol<
  [userId: string, cutoff: number],
  { dropped: boolean; timedOut: EndedSession | null }
> = {
  name: "expireUser",
  args: (userId, cutoff) => [userId, cutoff],
  // {droppedFlag, ended session or false}
  decode: (reply) => {
    const [dropped, ended] = reply as unknown[];
    return { dropped: Number(dropped) === 1, timedOut: endedSessionReply(ended) };
  },
};

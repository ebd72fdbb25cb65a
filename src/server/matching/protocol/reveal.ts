import "server-only";
import type { RevealOutcome } from "../types";
import type { FunctionProtocol } from "./header";
import { sessionReply } from "./session-reply";

/** reveal (lua/reveal.lua): the member's reveal recorded on the live session, once. */
export const revealFunction: FunctionProtocol<[sessionId: string, userId: string], RevealOutcome> = {
  name: "reveal",
  args: (sessionId, userId) => [sessionId, userId],
  // {'revealed', session} | {'not_member'} | false
  decode: (reply) => {
    if (!Array.isArray(reply)) return { kind: "not_live" };
    if (reply[0] === "not_member") return { kind: "not_member" };
    return { kind: "revealed", session: sessionReply(reply[1]) };
  },
};

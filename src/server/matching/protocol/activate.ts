import "server-only";
import type { LiveSession } from "../types";
import type { FunctionProtocol } from "./header";
import { sessionReply } from "./session-reply";

/** activate (lua/activate.lua): the live session, marked active once; null when not live. */
export const activateFunction: FunctionProtocol<[sessionId: string], LiveSession | null> = {
  name: "activate",
  args: (sessionId) => [sessionId],
  decode: (reply) => (reply ? sessionReply(reply) : null),
};

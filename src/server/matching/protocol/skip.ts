import "server-only";
import type { SkipOutcome } from "../types";
import { decodeEnqueueReply } from "./batch";
import type { FunctionProtocol } from "./header";
import { endedSessionReply } from "./session-reply";

/** skip (lua/skip.lua): end the current session, count the skip, then a cooldown or a re-queue. */
export const skipFunction: FunctionProtocol<[userId: string, newSessionId: string, requeue: boolean], SkipOutcome> = {
  name: "skip",
  args: (userId, newSessionId, requeue) => [userId, newSessionId, requeue ? "1" : "0"],
  // {not_in_session} | {cooldown, until, ended or false} | {skipped, ended, enqueue reply or false}
  decode: (value) => {
    const reply = value as unknown[];
    if (reply[0] === "not_in_session") return { kind: "not_in_session" };
    if (reply[0] === "cooldown") return { kind: "cooldown", until: Number(reply[1]), ended: endedSessionReply(reply[2]) };
    const ended = endedSessionReply(reply[1]);
    if (!ended) throw new Error("skip replied without the ended session");
    return { kind: "skipped", ended, requeue: reply[2] ? decodeEnqueueReply(reply[2]).outcome : null };
  },
};

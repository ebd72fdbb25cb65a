import "server-only";
import { encodeRequest } from "../redis-codec";
import { DEFAULT_REQUEUE } from "../rules";
import type { PairMember, StartPairOutcome } from "../types";
import type { FunctionProtocol } from "./header";
import { sessionReply } from "./session-reply";

/**
 * start_pair (lua/start_pair.lua): a friend call's session. Each side's request is what a Next
 * from the call re-queues with: any mood, no interests, their profile and standing.
 */
export const startPairFunction: FunctionProtocol<[a: PairMember, b: PairMember, sessionId: string], StartPairOutcome> = {
  name: "startPair",
  args: (a, b, sessionId) => [
    a.userId,
    encodeRequest(DEFAULT_REQUEUE.prefs, a.profile, a.standing),
    b.userId,
    encodeRequest(DEFAULT_REQUEUE.prefs, b.profile, b.standing),
    sessionId,
  ],
  decode: (reply) => {
    const [kind, value] = reply as [string, unknown];
    if (kind === "created") return { kind: "created", session: sessionReply(value) };
    return { kind: "conflict", reason: value as "in_session" | "excluded" | "self" };
  },
};

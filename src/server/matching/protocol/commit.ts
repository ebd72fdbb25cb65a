import "server-only";
import type { LiveSession } from "../types";
import type { FunctionProtocol } from "./header";
import { sessionReply } from "./session-reply";

/** commit (lua/commit.lua): the sweep's pair commits in one call, in order; one result per pair. */

export interface PairToCommit {
  a: string;
  versionA: string;
  b: string;
  versionB: string;
  sessionId: string;
}

export type CommitResult = { kind: "created" | "exists"; session: LiveSession } | { kind: "conflict"; reason: string };

export const commitFunction: FunctionProtocol<[pairs: PairToCommit[]], CommitResult[]> = {
  name: "commit",
  args: (pairs) => pairs.flatMap((p) => [p.a, p.versionA, p.b, p.versionB, p.sessionId]),
  // each {created, session} | {exists, session} | {conflict, reason}
  decode: (reply) =>
    (reply as unknown[][]).map((r) =>
      r[0] === "conflict"
        ? { kind: "conflict", reason: String(r[1]) }
        : { kind: r[0] === "created" ? "created" : "exists", session: sessionReply(r[1]) },
    ),
};

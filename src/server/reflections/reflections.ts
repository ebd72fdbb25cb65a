import "server-only";
import { REFLECTION_WINDOW_MS, deservesReflection } from "@/lib/reflections";
import type { ReflectionInput } from "@/lib/schemas";
import type { AppServices } from "../app-services";
import { befriendIfMutual } from "../db/friends";
import { insertReflection } from "../db/reflections";
import { findSessionRecord } from "../db/sessions";
import { AppError, errors } from "../http/errors";
import { noteReflection } from "../trust/ledger";

/**
 * A person's reflection on a conversation that has ended (instructions/api.md "Reflections"):
 * only its members, once each, within a day, and only for a call long enough to say something.
 * Judged from the Postgres record, which holds the end before either person is told of it. Both
 * saying "again" makes them friends (`friends: true` in the answer).
 */
export async function submitReflection(
  deps: AppServices,
  userId: string,
  input: ReflectionInput,
): Promise<{ id: string; friends: boolean }> {
  const session = await findSessionRecord(deps.db, input.sessionId);
  if (!session) throw errors.notFound("No such conversation.");
  if (session.userA !== userId && session.userB !== userId) throw errors.forbidden("You are not part of this conversation.");
  if (!session.endedAt) throw new AppError("CONFLICT", "This conversation has not ended yet.");
  const call = {
    startedAt: session.createdAt.getTime(),
    activeAt: session.activeAt?.getTime() ?? null,
    endedAt: session.endedAt.getTime(),
  };
  if (!deservesReflection(call)) throw new AppError("CONFLICT", "This conversation was too short to reflect on.");
  if (deps.now() - call.endedAt > REFLECTION_WINDOW_MS)
    throw new AppError("CONFLICT", "Reflections close a day after the conversation.");

  const partnerId = session.userA === userId ? session.userB : session.userA;
  const saved = await insertReflection(deps.db, {
    sessionId: session.id,
    rater: userId,
    rated: partnerId,
    vibe: input.vibe,
    outcome: input.outcome,
    tags: input.tags,
  });
  if (!saved) throw new AppError("CONFLICT", "You already reflected on this conversation.");
  await noteReflection(deps, {
    reflectionId: saved.id,
    rater: userId,
    rated: partnerId,
    vibe: input.vibe,
    outcome: input.outcome,
  });
  const friends =
    input.outcome === "again" && (await befriendIfMutual(deps.db, { sessionId: session.id, a: userId, b: partnerId }));
  return { id: saved.id, friends };
}

import "server-only";
import type { EnqueueInput, EnqueueResult, StatusView } from "@/lib/schemas";
import { AppError, errors } from "../http/errors";
import type { EnqueueOutcome, Preferences } from "../matching/types";
import { announceEnd, announceMatch } from "./announce";
import type { AppServices } from "../app-services";
import { ensurePrimed, matchingProfile } from "./profiles";
import { noteInterests } from "./interest-counter";
import { queueStats } from "./queue-stats";
import { limit } from "./rate";
import { livekitJoin, queueView, sessionView, statusView } from "./views";
import { noteCooldown } from "../trust/ledger";
import { pendingInvitesFor } from "../friends/invites";

/** The matching routes of instructions/api.md, one function each; the user id always comes from the session. */

export async function enqueue(deps: AppServices, userId: string, input: EnqueueInput): Promise<EnqueueResult> {
  if (deps.maintenance.enabled) throw errors.maintenance(deps.maintenance.message);
  await limit(deps, "enqueue", userId);
  const { profile, standing } = await matchingProfile(deps, userId);
  await ensurePrimed(deps, userId);
  const prefs: Preferences = { mood: input.mood ?? "random", interests: input.interests ?? [], mode: input.mode ?? "same_mood" };
  const now = deps.now();
  const outcome = await deps.store.enqueue(userId, prefs, profile, now, standing);
  noteInterests(deps, prefs.interests);
  return resolveEnqueue(deps, userId, outcome, { alreadyInSessionIsError: true });
}

/**
 * Next: end the call and queue again. During maintenance the call still ends (and counts as a
 * skip) but nobody is queued: the answer is 503 MAINTENANCE, as an enqueue's would be
 * (instructions/safety-and-operations.md "Stop then Start counts like Next").
 */
export async function skip(deps: AppServices, userId: string): Promise<EnqueueResult> {
  await limit(deps, "enqueue", userId);
  const now = deps.now();
  const maintenance = deps.maintenance.enabled;
  const outcome = await deps.store.skip(userId, now, { requeue: !maintenance });
  switch (outcome.kind) {
    case "not_in_session":
      throw new AppError("NOT_IN_SESSION", "You are not in a conversation to skip.");
    case "cooldown":
      if (outcome.ended) {
        await announceEnd(deps, outcome.ended, userId);
        await noteCooldown(deps, { userId, sessionId: outcome.ended.id });
      }
      await deps.bus.publish(userId, "cooldown", { until: new Date(outcome.until).toISOString() });
      throw errors.cooldown(outcome.until, now);
    case "skipped":
      await announceEnd(deps, outcome.ended, userId);
      if (!outcome.requeue) throw errors.maintenance(deps.maintenance.message);
      return resolveEnqueue(deps, userId, outcome.requeue, { alreadyInSessionIsError: false });
  }
}

export async function end(deps: AppServices, userId: string): Promise<{ status: "idle" }> {
  await deps.store.cancel(userId);
  const state = await deps.store.getState(userId, deps.now());
  if (state.status === "in_session") {
    // a short session ended here counts as this user's skip (the store applies endCountsAsSkip)
    const ended = await deps.store.endSession(state.session.id, "end", userId, deps.now());
    if (ended) await announceEnd(deps, ended, userId);
    const after = await deps.store.getState(userId, deps.now());
    if (after.cooldownUntil !== null && ended) {
      await noteCooldown(deps, { userId, sessionId: ended.id });
      await deps.bus.publish(userId, "cooldown", { until: new Date(after.cooldownUntil).toISOString() });
    }
  }
  return { status: "idle" };
}

export async function status(deps: AppServices, userId: string): Promise<StatusView> {
  const [state, stats] = await Promise.all([deps.store.getState(userId, deps.now()), queueStats(deps.store)]);
  return statusView(userId, state, stats.avgWaitMs, deps.revealMode);
}

export async function heartbeat(deps: AppServices, userId: string): Promise<StatusView> {
  await deps.store.touch(userId, deps.now());
  return status(deps, userId);
}

/** The current session with a fresh join token (rejoin after a refresh). */
export async function currentSession(deps: AppServices, userId: string) {
  const state = await deps.store.getState(userId, deps.now());
  if (state.status !== "in_session") throw errors.notFound("You are not in a conversation right now.");
  return {
    session: sessionView(state.session, userId, deps.revealMode),
    livekit: await livekitJoin(deps, state.session, userId),
  };
}

/** The `state` event: the status snapshot plus session and join token when in one. */
export async function stateSnapshot(deps: AppServices, userId: string) {
  const [state, stats, invites] = await Promise.all([
    deps.store.getState(userId, deps.now()),
    queueStats(deps.store),
    pendingInvitesFor(deps, userId),
  ]);
  const view = { ...statusView(userId, state, stats.avgWaitMs, deps.revealMode), invites };
  if (state.status !== "in_session") return view;
  return { ...view, livekit: await livekitJoin(deps, state.session, userId) };
}

async function resolveEnqueue(
  deps: AppServices,
  userId: string,
  outcome: EnqueueOutcome,
  opts: { alreadyInSessionIsError: boolean },
): Promise<EnqueueResult> {
  switch (outcome.kind) {
    case "cooldown":
      await deps.bus.publish(userId, "cooldown", { until: new Date(outcome.until).toISOString() });
      throw errors.cooldown(outcome.until, deps.now());
    case "waiting": {
      const stats = await queueStats(deps.store);
      return { status: "waiting", ...queueView(outcome, stats.avgWaitMs) };
    }
    case "matched": {
      if (!outcome.created && opts.alreadyInSessionIsError) {
        throw new AppError("ALREADY_IN_SESSION", "You are already in a conversation. Skip or stop it first.", {
          sessionId: outcome.session.id,
        });
      }
      // A new match is announced (which mints both tokens); the enqueuer's answer reuses its own.
      const joins = outcome.created ? await announceMatch(deps, outcome.session) : undefined;
      const livekit = joins?.get(userId) ?? (await livekitJoin(deps, outcome.session, userId));
      return { status: "in_session", session: sessionView(outcome.session, userId, deps.revealMode), livekit };
    }
  }
}

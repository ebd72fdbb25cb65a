import { customAlphabet } from "nanoid";
import type { MatchConfig, Preferences, Profile } from "./types";

/** Session ids: 16 url-safe random characters; the LiveKit room is `mm_<id>`. */
const sessionIdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const newSessionId = customAlphabet(sessionIdAlphabet, 16);
export { roomNameForSession as roomNameFor } from "../livekit/room-names";

export interface CooldownRecord {
  level: number; // offences so far (0 = none since the last reset)
  until: number; // cooldown end (ms); ≤ now means no cooldown
}

/** The next offence: one level up (capped at the last step), cooldown from now. */
export function escalateCooldown(previousLevel: number, config: Pick<MatchConfig, "cooldownStepsMs">, now: number): CooldownRecord {
  const steps = config.cooldownStepsMs;
  const level = Math.min(previousLevel + 1, steps.length);
  return { level, until: now + steps[level - 1]! };
}

/** A conversation long enough to reset the offence level (measured from activeAt, else createdAt). */
export function resetsCooldownLevel(
  session: { createdAt: number; activeAt: number | null },
  endedAt: number,
  config: Pick<MatchConfig, "cooldownResetAfterMs">,
): boolean {
  return endedAt - (session.activeAt ?? session.createdAt) >= config.cooldownResetAfterMs;
}

/** How many recent waits feed avgWaitMs (the Redis driver keeps at most twice as many). */
export const WAIT_SAMPLES = 100;

/** What a skip re-queues with when the ended session kept no request for the user. */
export const DEFAULT_REQUEUE: { prefs: Preferences; profile: Profile } = {
  prefs: { mood: "random", interests: [], mode: "any" },
  profile: { nickname: "stranger", avatar: null },
};

import { customAlphabet } from "nanoid";
import type { Preferences, Profile } from "./types";

/** Session ids: 16 url-safe random characters; the LiveKit room is `mm_<id>`. */
const sessionIdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const newSessionId = customAlphabet(sessionIdAlphabet, 16);
export { roomNameForSession as roomNameFor } from "../livekit/room-names";

/** How many recent waits feed avgWaitMs (the Redis driver keeps at most twice as many). */
export const WAIT_SAMPLES = 100;

/** What a skip re-queues with when the ended session kept no request for the user. */
export const DEFAULT_REQUEUE: { prefs: Preferences; profile: Profile } = {
  prefs: { mood: "random", interests: [], mode: "any" },
  profile: { nickname: "stranger", avatar: null },
};

import { z } from "zod";

/**
 * The HTTP contract of instructions/api.md, shared by the route handlers (input validation) and the
 * browser (typed calls). Changing a name here changes the public API.
 */

export const MOODS = ["chill", "fire", "silly", "shy", "random"] as const;
export const moodSchema = z.enum(MOODS);
export type Mood = z.infer<typeof moodSchema>;

export const MATCH_MODES = ["same_mood", "any"] as const;
export const matchModeSchema = z.enum(MATCH_MODES);
export type MatchMode = z.infer<typeof matchModeSchema>;

/** Unicode-normalised, without invisible characters, trimmed: what a person sees is what counts. */
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD]/g;
export function visibleText(s: string): string {
  return s.normalize("NFKC").replace(INVISIBLE, "").trim();
}

export const MAX_INTERESTS = 10;
export const interestSchema = z
  .string()
  .max(200)
  .transform((s) => visibleText(s).toLowerCase().replace(/\s+/g, " "))
  .pipe(z.string().min(1, "an interest cannot be empty").max(32, "an interest is at most 32 characters"));

export const enqueueInputSchema = z.strictObject({
  mood: moodSchema.optional(),
  interests: z
    .array(interestSchema)
    .max(MAX_INTERESTS, `at most ${MAX_INTERESTS} interests`)
    .optional()
    .transform((list) => (list ? [...new Set(list)] : undefined)),
  mode: matchModeSchema.optional(),
});
export type EnqueueInput = z.infer<typeof enqueueInputSchema>;

/** `{}` bodies (skip, end, heartbeat): nothing may be smuggled in, e.g. a user id. */
export const emptyInputSchema = z.strictObject({});

export const sessionIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "not a session id");

export const CHAT_MAX_LENGTH = 500;
export const chatMessageInputSchema = z.strictObject({
  sessionId: sessionIdSchema,
  text: z
    .string()
    .max(4 * CHAT_MAX_LENGTH)
    .transform(visibleText)
    .pipe(z.string().min(1, "a message cannot be empty").max(CHAT_MAX_LENGTH, `at most ${CHAT_MAX_LENGTH} characters`)),
});
export const typingInputSchema = z.strictObject({ sessionId: sessionIdSchema });
export const revealInputSchema = z.strictObject({ sessionId: sessionIdSchema });

/**
 * Consent-first video (instructions/api.md "Reveal"): `consent` sends every new call's camera
 * blurred until both members pressed Reveal; `open` sends it sharp from the start.
 */
export const REVEAL_MODES = ["consent", "open"] as const;
export type RevealMode = (typeof REVEAL_MODES)[number];

export const REPORT_REASONS = ["nudity", "harassment", "hate", "minor", "spam", "violence", "other"] as const;
export const reportReasonSchema = z.enum(REPORT_REASONS);
export type ReportReason = z.infer<typeof reportReasonSchema>;
export const reportInputSchema = z.strictObject({
  sessionId: sessionIdSchema,
  reason: reportReasonSchema,
  details: z
    .string()
    .max(1000, "at most 1000 characters")
    .transform(visibleText)
    .optional()
    .transform((d) => (d ? d : undefined)),
});
export const blockInputSchema = z.strictObject({ sessionId: sessionIdSchema });

/** After-call reflections (instructions/api.md "Reflections"); the rules are in src/lib/reflections.ts. */
export const REFLECTION_OUTCOMES = ["again", "maybe", "pass"] as const;
export type ReflectionOutcome = (typeof REFLECTION_OUTCOMES)[number];
/** A fixed list: free text about a stranger would need moderation, and these stay kind. */
export const REFLECTION_TAGS = ["kind", "funny", "curious", "good_listener", "great_energy", "shared_interests"] as const;
export type ReflectionTag = (typeof REFLECTION_TAGS)[number];
export const reflectionInputSchema = z.strictObject({
  sessionId: sessionIdSchema,
  vibe: z.number().int("vibe is a whole number").min(1, "vibe is 1 to 5").max(5, "vibe is 1 to 5"),
  outcome: z.enum(REFLECTION_OUTCOMES),
  tags: z
    .array(z.enum(REFLECTION_TAGS))
    .max(REFLECTION_TAGS.length)
    .optional()
    .transform((list) => [...new Set(list ?? [])]),
});
export type ReflectionInput = z.infer<typeof reflectionInputSchema>;

/** A friend as the page sees them: the friendship's id, never the friend's user id. */
export interface FriendView {
  id: string;
  nickname: string;
  avatar: string | null;
  online: boolean;
  since: string;
}
export const friendshipIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "not a friend id");

export const NICKNAME_MAX = 24;
export const nicknameSchema = z
  .string()
  .trim()
  .min(1)
  .max(NICKNAME_MAX)
  .regex(/^[\p{L}\p{N} _.\-]+$/u, "letters, digits, spaces, _ . - only");

export const END_REASONS = ["skip", "end", "disconnect", "timeout", "report", "block"] as const;
export type EndReason = (typeof END_REASONS)[number];

// ---- Response shapes -------------------------------------------------------------------------

export interface PartnerView {
  nickname: string;
  avatar: string | null;
  mood: Mood;
  commonInterests: string[];
}

/** Who has consented to sharp video in this call; both true from the start with REVEAL_MODE=open. */
export interface RevealView {
  me: boolean;
  partner: boolean;
}

export interface SessionView {
  id: string;
  roomName: string;
  createdAt: string;
  partner: PartnerView;
  /** "friend": a friend call; absent for a random match. */
  kind?: "friend";
  revealed: RevealView;
}

/** Why a friend call's invite is over (instructions/api.md "Friends"). */
export const INVITE_END_REASONS = ["accepted", "declined", "cancelled", "timeout", "busy", "ended"] as const;
export type InviteEndReason = (typeof INVITE_END_REASONS)[number];

/** A pending friend call as both sides see it: the invite id, the friendship, who calls, when it stops ringing. */
export interface InviteView {
  id: string;
  friendshipId: string;
  from: { nickname: string; avatar: string | null };
  expiresAt: string;
}
export const inviteIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{16,32}$/, "not an invite id");

export interface LivekitJoin {
  url: string;
  token: string;
}

export interface QueueView {
  position: number;
  waiting: number;
  estimatedWaitMs: number;
}

export type StatusView =
  | { status: "idle"; cooldownUntil?: string }
  | ({ status: "waiting"; cooldownUntil?: string } & QueueView)
  | { status: "in_session"; session: SessionView; cooldownUntil?: string };

export type EnqueueResult =
  ({ status: "waiting" } & QueueView) | { status: "in_session"; session: SessionView; livekit: LivekitJoin };

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

// ---- SSE events (instructions/api.md "Events") -------------------------------------------------------------

export interface ServerEvents {
  /** `invites`: the friend calls ringing for this user now (absent in a plain status read). */
  state: StatusView & { livekit?: LivekitJoin; invites?: InviteView[] };
  queue: QueueView;
  matched: { session: SessionView; livekit: LivekitJoin };
  partner_left: { sessionId: string; reason: EndReason };
  session_ended: { sessionId: string; reason: EndReason };
  chat: { sessionId: string; id: string; text: string; sentAt: string; from: "partner" | "me" };
  typing: { sessionId: string };
  reveal: { sessionId: string } & RevealView;
  cooldown: { until: string };
  maintenance: { message: string };
  /** A friend calls you (30 s to accept). */
  invite: InviteView;
  /** A friend call's invite is over, for either side. */
  invite_ended: { inviteId: string; reason: InviteEndReason };
}
export type ServerEventName = keyof ServerEvents;
/** One entry per event of ServerEvents: the compiler refuses a missing or an extra one, so the browser listens to every event. */
const SERVER_EVENTS_LISTENED: Record<ServerEventName, true> = {
  state: true,
  queue: true,
  matched: true,
  partner_left: true,
  session_ended: true,
  chat: true,
  typing: true,
  reveal: true,
  cooldown: true,
  maintenance: true,
  invite: true,
  invite_ended: true,
};
export const SERVER_EVENT_NAMES = Object.keys(SERVER_EVENTS_LISTENED) as ServerEventName[];

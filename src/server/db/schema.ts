import { sql } from "drizzle-orm";
import {
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** The durable record (instructions/architecture.md). Live state is in the matching store; this is history. */

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  nickname: text("nickname").notNull(),
  avatar: text("avatar"),
  createdAt: createdAt(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  bannedUntil: timestamp("banned_until", { withTimezone: true, mode: "date" }),
  banReason: text("ban_reason"),
});

export const matchSessions = pgTable(
  "match_sessions",
  {
    id: text("id").primaryKey(),
    userA: text("user_a")
      .notNull()
      .references(() => users.id),
    userB: text("user_b")
      .notNull()
      .references(() => users.id),
    roomName: text("room_name").notNull(),
    mood: text("mood").notNull(),
    commonInterests: jsonb("common_interests")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    score: integer("score").notNull().default(0),
    createdAt: createdAt(),
    activeAt: timestamp("active_at", { withTimezone: true, mode: "date" }),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }),
    endReason: text("end_reason"),
    endedBy: text("ended_by"),
    /** "match" (random) or "friend" (a friend call accepted). */
    kind: text("kind").notNull().default("match"),
  },
  (t) => [
    index("match_sessions_user_a_created_idx").on(t.userA, t.createdAt),
    index("match_sessions_user_b_created_idx").on(t.userB, t.createdAt),
    index("match_sessions_open_idx")
      .on(t.createdAt)
      .where(sql`${t.endedAt} is null`),
  ],
);

export const blocks = pgTable(
  "blocks",
  {
    blocker: text("blocker")
      .notNull()
      .references(() => users.id),
    blocked: text("blocked")
      .notNull()
      .references(() => users.id),
    source: text("source").notNull(), // "block" | "report"
    sessionId: text("session_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.blocker, t.blocked] }), index("blocks_blocked_idx").on(t.blocked)],
);

export interface ChatLine {
  from: "reporter" | "reported";
  text: string;
  sentAt: string;
}

export const reports = pgTable(
  "reports",
  {
    id: text("id").primaryKey(),
    reporter: text("reporter")
      .notNull()
      .references(() => users.id),
    reported: text("reported")
      .notNull()
      .references(() => users.id),
    sessionId: text("session_id").notNull(),
    reason: text("reason").notNull(),
    details: text("details"),
    severity: text("severity").notNull(),
    status: text("status").notNull().default("open"), // open | dismissed | actioned
    chatContext: jsonb("chat_context")
      .$type<ChatLine[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, mode: "date" }),
    resolution: text("resolution"),
  },
  (t) => [
    index("reports_status_created_idx").on(t.status, t.createdAt),
    uniqueIndex("reports_once_per_session_idx").on(t.reporter, t.sessionId),
  ],
);

/** One per person and ended session: how it went for them (the partner never sees it). */
export const meetReflections = pgTable(
  "meet_reflections",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => matchSessions.id),
    rater: text("rater")
      .notNull()
      .references(() => users.id),
    rated: text("rated")
      .notNull()
      .references(() => users.id),
    vibe: smallint("vibe").notNull(),
    outcome: text("outcome").notNull(), // again | maybe | pass
    tags: jsonb("tags")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("meet_reflections_once_per_session_idx").on(t.sessionId, t.rater),
    index("meet_reflections_rated_idx").on(t.rated, t.createdAt),
    check("meet_reflections_vibe_check", sql`${t.vibe} between 1 and 5`),
    check("meet_reflections_outcome_check", sql`${t.outcome} in ('again', 'maybe', 'pass')`),
  ],
);

/**
 * Two people who both said "again" after the same call. One row per pair, stored in order
 * (`user_low` < `user_high`) so the pair is unique whoever said it last; `id` is what the page
 * sees, never the other's user id.
 */
export const friendships = pgTable(
  "friendships",
  {
    id: text("id").primaryKey(),
    userLow: text("user_low")
      .notNull()
      .references(() => users.id),
    userHigh: text("user_high")
      .notNull()
      .references(() => users.id),
    originSessionId: text("origin_session_id")
      .notNull()
      .references(() => matchSessions.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("friendships_pair_idx").on(t.userLow, t.userHigh),
    index("friendships_user_high_idx").on(t.userHigh),
    check("friendships_ordered_check", sql`${t.userLow} < ${t.userHigh}`),
  ],
);

/**
 * The trust ledger: append-only, one row per thing that moved a person's score (rules in
 * src/server/trust/rules.ts). `source_ref` names the cause (a reflection, a report, a session),
 * which moves a person once.
 */
export const trustScoreEvents = pgTable(
  "trust_score_events",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    delta: doublePrecision("delta").notNull(),
    source: text("source").notNull(), // reflection | report_confirmed | cooldown_penalty | manual_review
    sourceRef: text("source_ref").notNull(),
    /** who caused it, for reflections (the per-rater caps) */
    rater: text("rater").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    uniqueIndex("trust_score_events_once_idx").on(t.userId, t.source, t.sourceRef),
    index("trust_score_events_user_idx").on(t.userId, t.createdAt),
    index("trust_score_events_rater_idx").on(t.rater, t.createdAt),
    check(
      "trust_score_events_source_check",
      sql`${t.source} in ('reflection', 'report_confirmed', 'cooldown_penalty', 'manual_review')`,
    ),
  ],
);

/** The current score, the sum of the ledger, and its parts by source. */
export const trustScores = pgTable("trust_scores", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id),
  score: doublePrecision("score").notNull().default(0),
  reflections: doublePrecision("reflections").notNull().default(0),
  moderation: doublePrecision("moderation").notNull().default(0),
  cooldowns: doublePrecision("cooldowns").notNull().default(0),
  manual: doublePrecision("manual").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** Interest counts per hour, for "popular interests over the last 24 h" without a row per enqueue. */
export const interestCounts = pgTable(
  "interest_counts",
  {
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    interest: text("interest").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.hour, t.interest] })],
);

export const schema = {
  users,
  matchSessions,
  blocks,
  reports,
  meetReflections,
  friendships,
  trustScoreEvents,
  trustScores,
  interestCounts,
};

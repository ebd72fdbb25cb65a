import type { MatchMode, Mood } from "@/lib/schemas";
import { MOODS } from "@/lib/schemas";
import { standingPenalty, standingsBarred, type Standing } from "./standing";
import type { MatchConfig, Preferences } from "./types";

/**
 * Pure matching rules (instructions/matching.md "Rules"), shared by the in-process driver and the Redis driver (its
 * enqueue ranking and its sweep). The Redis scripts re-check the same rules inside Lua
 * (lua/select.lua); the contract suite runs identical scenarios against both drivers so the
 * two cannot drift apart.
 */

/** What selection needs to know about a waiting ticket. */
export interface Waiter {
  userId: string;
  prefs: Preferences;
  /** Enqueue time (ms); waiting time = now - since. */
  since: number;
  /** Tie-break inside one millisecond: lower = enqueued earlier. */
  seq: number;
  /** Trust standing (standing.ts); absent = regular. */
  standing?: Standing;
}

/** Score bonus for sharing the same (non-random) mood; below one common interest on purpose. */
export const SAME_MOOD_BONUS = 0.5;

/** Exclusion/recent-pair test, answered by the driver (both ways are stored). */
export type PairBlocked = (a: string, b: string) => boolean;

/** Moods agree when equal or when either side is the wildcard `random`. */
export function moodsAgree(a: Mood, b: Mood): boolean {
  return a === b || a === "random" || b === "random";
}

/** A side accepts the other's mood if moods agree, it chose mode `any`, or it has waited long enough to relax. */
function sideAccepts(mode: MatchMode, waitedMs: number, agree: boolean, relaxMoodAfterMs: number): boolean {
  return agree || mode === "any" || waitedMs >= relaxMoodAfterMs;
}

/**
 * The mood rule. Symmetric: both sides must accept — each accepts when the moods agree (equal or
 * either is `random`), when its own mode is `any`, or when it has itself waited ≥ relaxMoodAfterMs.
 */
export function moodCompatible(a: Waiter, b: Waiter, now: number, relaxMoodAfterMs: number): boolean {
  const agree = moodsAgree(a.prefs.mood, b.prefs.mood);
  return (
    sideAccepts(a.prefs.mode, now - a.since, agree, relaxMoodAfterMs) &&
    sideAccepts(b.prefs.mode, now - b.since, agree, relaxMoodAfterMs)
  );
}

export function commonInterests(a: string[], b: string[]): string[] {
  const other = new Set(b);
  return a.filter((i) => other.has(i));
}

/** Number of common interests, plus SAME_MOOD_BONUS when both picked the same real mood. */
export function pairScore(a: Preferences, b: Preferences): { score: number; common: string[] } {
  const common = commonInterests(a.interests, b.interests);
  const bonus = a.mood === b.mood && a.mood !== "random" ? SAME_MOOD_BONUS : 0;
  return { score: common.length + bonus, common };
}

/** Highest score a seeker could reach: lets a scan stop early at the first perfect candidate. */
export function maxScore(prefs: Preferences): number {
  return prefs.interests.length + (prefs.mood !== "random" ? SAME_MOOD_BONUS : 0);
}

/** Order of the queue: enqueue time, then sequence (FIFO). */
export function fifoOrder(a: Waiter, b: Waiter): number {
  return a.since - b.since || a.seq - b.seq;
}

export interface PartnerPick {
  partner: Waiter;
  score: number;
  common: string[];
}

/**
 * The `limit` best partners for `seeker` among `candidates` (which must be in FIFO order), best
 * first: partners on the seeker's side of the trust threshold before the others (standing.ts),
 * then highest score, ties to the earliest enqueued. Never the seeker itself, never a candidate
 * `excluded` refuses, never a pair the mood or standing rule refuses. One pass; stops early once
 * the list is full of candidates nobody later can beat.
 */
export function rankPartners<W extends Waiter>(
  seeker: Waiter,
  candidates: Iterable<W>,
  now: number,
  config: Pick<MatchConfig, "relaxMoodAfterMs">,
  limit: number,
  excluded: (candidate: W) => boolean,
): (PartnerPick & { partner: W })[] {
  // rank = score minus the standing penalty; the pick reports the plain score
  const ranked: { partner: W; score: number; rank: number }[] = [];
  const ceiling = maxScore(seeker.prefs);
  const mine = new Set(seeker.prefs.interests);
  const mood = seeker.prefs.mood;
  const relax = config.relaxMoodAfterMs;
  // the seeker's side of the mood rule (moodCompatible) is the same for every candidate
  const seekerRelaxed = seeker.prefs.mode === "any" || now - seeker.since >= relax;
  const standing = seeker.standing ?? "regular";
  // The hot loop of every enqueue (a window of 200): the cheap tests first, `excluded` only for
  // a candidate that would make the list.
  for (const c of candidates) {
    if (c.userId === seeker.userId) continue;
    const theirs = c.prefs.mood;
    const agree = theirs === mood || theirs === "random" || mood === "random";
    if (!agree && !(seekerRelaxed && (c.prefs.mode === "any" || now - c.since >= relax))) continue;
    const theirStanding = c.standing ?? "regular";
    if (standingsBarred(standing, theirStanding)) continue;
    let score = theirs === mood && mood !== "random" ? SAME_MOOD_BONUS : 0;
    if (mine.size > 0) for (const i of c.prefs.interests) if (mine.has(i)) score++;
    const rank = score - standingPenalty(standing, theirStanding);
    if (ranked.length === limit && rank <= ranked[limit - 1]!.rank) continue;
    if (excluded(c)) continue;
    let at = ranked.length;
    while (at > 0 && ranked[at - 1]!.rank < rank) at--;
    ranked.splice(at, 0, { partner: c, score, rank });
    if (ranked.length > limit) ranked.pop();
    if (ranked.length === limit && ranked[limit - 1]!.rank >= ceiling) break;
  }
  return ranked.map(({ partner, score }) => ({
    partner,
    score,
    common: commonInterests(seeker.prefs.interests, partner.prefs.interests),
  }));
}

/** Best partner for `seeker` among FIFO-ordered `candidates` (see rankPartners), or null. */
export function pickPartner(
  seeker: Waiter,
  candidates: Iterable<Waiter>,
  now: number,
  config: Pick<MatchConfig, "relaxMoodAfterMs">,
  blocked: PairBlocked,
): PartnerPick | null {
  return rankPartners(seeker, candidates, now, config, 1, (c) => blocked(seeker.userId, c.userId))[0] ?? null;
}

/**
 * The bounded candidate window over a FIFO-ordered queue: all of it when it fits, otherwise the
 * oldest ⌈window/2⌉ (longest waiting first) plus the newest ⌊window/2⌋ (so a head of mutually
 * incompatible tickets can never hide new arrivals from each other). Both drivers use this shape.
 */
export function windowSlices(queueLength: number, window: number): { head: number; tail: number } | "all" {
  if (queueLength <= window) return "all";
  const head = Math.ceil(window / 2);
  return { head, tail: window - head };
}

export function applyWindow<T>(ordered: T[], window: number): T[] {
  const w = windowSlices(ordered.length, window);
  if (w === "all") return ordered;
  return [...ordered.slice(0, w.head), ...ordered.slice(ordered.length - w.tail)];
}

/**
 * Greedy pairing for a sweep: seekers in FIFO order each take their best remaining partner.
 * Returns the proposed pairs; the driver commits them (and skips the ones that conflict).
 */
export function pairUp<W extends Waiter>(
  ordered: W[],
  now: number,
  config: Pick<MatchConfig, "relaxMoodAfterMs">,
  blocked: PairBlocked,
): { seeker: W; pick: PartnerPick & { partner: W } }[] {
  const taken = new Set<string>();
  const pairs: { seeker: W; pick: PartnerPick & { partner: W } }[] = [];
  for (const seeker of ordered) {
    if (taken.has(seeker.userId)) continue;
    const [pick] = rankPartners(seeker, ordered, now, config, 1, (c) => taken.has(c.userId) || blocked(seeker.userId, c.userId));
    if (!pick) continue;
    taken.add(seeker.userId);
    taken.add(pick.partner.userId);
    pairs.push({ seeker, pick });
  }
  return pairs;
}

/** Interests as stored: lower case, trimmed, no control characters (the Redis encoding uses them as separators), unique. */
export function normalizeInterests(interests: string[]): string[] {
  const out = new Set<string>();
  for (const raw of interests) {
    const clean = raw
      .replace(/[\u0000-\u001f\u007f]/g, "")
      .trim()
      .toLowerCase();
    if (clean) out.add(clean);
  }
  return [...out];
}

export const MOOD_LIST: readonly Mood[] = MOODS;

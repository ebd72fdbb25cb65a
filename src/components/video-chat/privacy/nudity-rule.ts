/**
 * The on-device nudity guard's decision (instructions/video-privacy.md "The nudity guard"),
 * kept pure so it is tested without a model. The classifier (nsfwjs, MobileNetV2) gives five
 * probabilities per frame; a frame is *explicit* when porn + hentai reaches the threshold, and
 * the guard trips after that many explicit samples in a row (one odd frame is not enough).
 */

export const NSFW_CLASSES = ["drawing", "hentai", "neutral", "porn", "sexy"] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
export type NsfwScores = Record<NsfwClass, number>;

export interface GuardRule {
  /** porn + hentai at or above this is an explicit frame. */
  threshold: number;
  /** This many explicit samples in a row trip the guard. */
  consecutive: number;
  /** Time between samples (ms). */
  intervalMs: number;
}

export const DEFAULT_GUARD_RULE: GuardRule = { threshold: 0.8, consecutive: 2, intervalMs: 2_000 };

export function explicitScore(scores: NsfwScores): number {
  return (scores.porn ?? 0) + (scores.hentai ?? 0);
}

/** Feeds samples in order; `tripped` stays true once reached (until `reset`, e.g. a new call). */
export function createGuardState(rule: GuardRule = DEFAULT_GUARD_RULE) {
  let streak = 0;
  let tripped: { scores: NsfwScores[] } | null = null;
  let recent: NsfwScores[] = [];
  return {
    add(scores: NsfwScores): boolean {
      if (explicitScore(scores) >= rule.threshold) {
        streak += 1;
        recent = [...recent, scores].slice(-rule.consecutive);
      } else {
        streak = 0;
        recent = [];
      }
      if (!tripped && streak >= rule.consecutive) tripped = { scores: recent };
      return tripped !== null;
    },
    get tripped() {
      return tripped;
    },
    reset() {
      streak = 0;
      recent = [];
      tripped = null;
    },
  };
}

/** The report's `details`: what the classifier saw, in words a moderator reads (≤ 1000 characters). */
export function reportDetails(samples: NsfwScores[], rule: GuardRule = DEFAULT_GUARD_RULE): string {
  const line = (s: NsfwScores) => NSFW_CLASSES.map((c) => `${c} ${(s[c] ?? 0).toFixed(2)}`).join(", ");
  return `On-device nudity check (nsfwjs MobileNetV2): porn+hentai >= ${rule.threshold} on ${samples.length} samples in a row. ${samples
    .map((s, i) => `Sample ${i + 1}: ${line(s)}.`)
    .join(" ")}`.slice(0, 1000);
}

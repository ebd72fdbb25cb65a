import "server-only";
import type { ReportReason } from "@/lib/schemas";

/**
 * How urgent a report is for moderators. Child safety and sexual content come first (they may
 * need escalation outside the app), then threats of harm, then abuse, then noise.
 */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_BY_REASON: Readonly<Record<ReportReason, Severity>> = {
  minor: "critical",
  nudity: "critical",
  violence: "high",
  hate: "high",
  harassment: "medium",
  spam: "low",
  other: "low",
};

export function severityOf(reason: ReportReason): Severity {
  return SEVERITY_BY_REASON[reason];
}

/** Higher is more urgent: critical 3 … low 0. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/** Sort comparator: most severe first. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(b) - severityRank(a);
}

/** Moderation queue order: most severe first, then the oldest report first (nothing starves). */
export function compareReportsForReview(
  a: { severity: Severity; createdAt: Date | string },
  b: { severity: Severity; createdAt: Date | string },
): number {
  return compareSeverity(a.severity, b.severity) || new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime();
}

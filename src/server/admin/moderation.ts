import "server-only";
import { findReport, listOpenReports, resolveReport } from "../db/reports";
import { announceBan } from "../auth/bans";
import { setBan } from "../db/users";
import { AppError, errors } from "../http/errors";
import { announceEnd } from "../sessions/announce";
import type { AppServices } from "../app-services";
import { forgetProfile } from "../sessions/profiles";
import { noteConfirmedReport, trustSummaries } from "../trust/ledger";

/** The moderator's queue: open reports, most severe first, with the conversation's last lines. */
export async function openReports(deps: AppServices) {
  const rows = await listOpenReports(deps.db);
  const trust = await trustSummaries(deps, [...new Set(rows.map((r) => r.report.reported))]);
  return rows.map(({ report, reportedNickname, reportedBannedUntil, priorReports }) => ({
    id: report.id,
    reason: report.reason,
    severity: report.severity,
    details: report.details,
    sessionId: report.sessionId,
    reporter: report.reporter,
    reported: {
      id: report.reported,
      nickname: reportedNickname,
      bannedUntil: reportedBannedUntil?.toISOString() ?? null,
      reportsAgainst: priorReports,
      trust: trust.get(report.reported)!,
    },
    chat: report.chatContext,
    createdAt: report.createdAt.toISOString(),
  }));
}

export type ModerationAction = { action: "dismiss" } | { action: "ban"; hours: number; note?: string };

/** Dismiss a report, or ban the reported user: no enqueue until then, and out of any live call now. */
export async function actOnReport(deps: AppServices, reportId: string, action: ModerationAction) {
  const report = await findReport(deps.db, reportId);
  if (!report) throw errors.notFound("No such report.");
  if (report.status !== "open") throw new AppError("CONFLICT", "This report was already handled.");
  if (action.action === "dismiss") {
    await resolveReport(deps.db, reportId, "dismissed", "dismissed by a moderator");
    return { id: reportId, status: "dismissed" as const };
  }
  const until = new Date(deps.now() + action.hours * 3_600_000);
  await setBan(deps.db, report.reported, until, action.note ?? `report ${reportId}: ${report.reason}`);
  forgetProfile(report.reported);
  await announceBan(deps);
  await removeFromMatching(deps, report.reported);
  await resolveReport(deps.db, reportId, "actioned", `banned until ${until.toISOString()}`);
  await noteConfirmedReport(deps, { reportId, reported: report.reported });
  return { id: reportId, status: "actioned" as const, bannedUntil: until.toISOString() };
}

async function removeFromMatching(deps: AppServices, userId: string) {
  await deps.store.cancel(userId);
  const state = await deps.store.getState(userId, deps.now());
  if (state.status !== "in_session") return;
  const ended = await deps.store.endSession(state.session.id, "end", null, deps.now());
  if (ended) await announceEnd(deps, ended, userId);
}

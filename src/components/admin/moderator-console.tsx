"use client";

import { useCallback, useEffect, useState } from "react";
import styles from "./admin.module.css";

interface ReportItem {
  id: string;
  reason: string;
  severity: "critical" | "high" | "medium" | "low";
  details: string | null;
  sessionId: string;
  createdAt: string;
  reported: { id: string; nickname: string; bannedUntil: string | null; reportsAgainst: number; trust: TrustSummary };
  chat: { from: "reporter" | "reported"; text: string; sentAt: string }[];
}

interface TrustSummary {
  score: number;
  components: { reflections: number; moderation: number; cooldowns: number; manual: number };
  ledger: { delta: number; source: string; sourceRef: string; createdAt: string }[];
}

const signed = (n: number) => `${n > 0 ? "+" : ""}${Math.round(n * 10) / 10}`;

interface Stats {
  waiting: number;
  activeSessions: number;
  online: number;
  matchesLastHour: number;
  maintenance: boolean;
}

const TOKEN_KEY = "moodmatch.adminToken";
const BAN_CHOICES = [
  { hours: 24, label: "1 day" },
  { hours: 24 * 7, label: "7 days" },
  { hours: 24 * 30, label: "30 days" },
  { hours: 24 * 365, label: "1 year" },
];

/** Open reports, most severe first, with the last lines of the conversation; dismiss or ban. */
export function ModeratorConsole() {
  const [token, setToken] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [reports, setReports] = useState<ReportItem[] | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => setToken(sessionStorage.getItem(TOKEN_KEY)), []);

  const call = useCallback(
    async (path: string, init?: RequestInit) => {
      const res = await fetch(path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      });
      const body = await res.json().catch(() => null);
      if (res.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        throw new Error("That admin token was not accepted.");
      }
      if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status}).`);
      return body;
    },
    [token],
  );

  const load = useCallback(async () => {
    try {
      const [r, s] = await Promise.all([call("/api/admin/reports"), call("/api/admin/stats")]);
      setReports(r.reports);
      setStats(s);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [call]);

  useEffect(() => {
    if (token) void load();
  }, [token, load]);

  async function act(report: ReportItem, body: { action: "dismiss" } | { action: "ban"; hours: number }) {
    try {
      await call(`/api/admin/reports/${report.id}`, { method: "POST", body: JSON.stringify(body) });
      setNotice(
        body.action === "dismiss" ? `Report on ${report.reported.nickname} dismissed.` : `${report.reported.nickname} is banned.`,
      );
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  if (!token) {
    return (
      <main className={styles.page}>
        <h1>Moderation</h1>
        <form
          className={styles.login}
          onSubmit={(e) => {
            e.preventDefault();
            sessionStorage.setItem(TOKEN_KEY, draft.trim());
            setToken(draft.trim());
          }}
        >
          <label htmlFor="admin-token">Admin token</label>
          <input
            id="admin-token"
            type="password"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            autoComplete="off"
            required
          />
          <button type="submit">Open the moderation queue</button>
          {error && (
            <p role="alert" className={styles.error}>
              {error}
            </p>
          )}
        </form>
      </main>
    );
  }

  return (
    <main className={styles.page}>
      <header className={styles.header}>
        <h1>Moderation</h1>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </header>
      {stats && (
        <dl className={styles.stats} aria-label="Live numbers">
          <div>
            <dt>Online</dt>
            <dd>{stats.online}</dd>
          </div>
          <div>
            <dt>Waiting</dt>
            <dd>{stats.waiting}</dd>
          </div>
          <div>
            <dt>In calls</dt>
            <dd>{stats.activeSessions}</dd>
          </div>
          <div>
            <dt>Matches (1 h)</dt>
            <dd>{stats.matchesLastHour}</dd>
          </div>
          {stats.maintenance && (
            <div>
              <dt>Mode</dt>
              <dd>maintenance</dd>
            </div>
          )}
        </dl>
      )}
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className={styles.notice}>
          {notice}
        </p>
      )}
      {reports === null ? (
        <p>Loading…</p>
      ) : reports.length === 0 ? (
        <p>No open reports. 🎉</p>
      ) : (
        <ol className={styles.reports} aria-label="Open reports">
          {reports.map((r) => (
            <li
              key={r.id}
              className={styles.report}
              data-severity={r.severity}
              aria-label={`Report: ${r.reason} against ${r.reported.nickname}`}
            >
              <div className={styles.reportHead}>
                <span className={styles.severity}>{r.severity}</span>
                <strong>{r.reason}</strong> against <strong>{r.reported.nickname}</strong>
                <span className={styles.meta}>
                  {new Date(r.createdAt).toLocaleString()} · {r.reported.reportsAgainst} report(s) in total
                  {r.reported.bannedUntil && ` · banned until ${new Date(r.reported.bannedUntil).toLocaleString()}`}
                </span>
              </div>
              <details className={styles.meta} data-testid="trust">
                <summary>
                  Trust score {signed(r.reported.trust.score)} (reflections {signed(r.reported.trust.components.reflections)},
                  moderation {signed(r.reported.trust.components.moderation)}, cooldowns{" "}
                  {signed(r.reported.trust.components.cooldowns)})
                </summary>
                {r.reported.trust.ledger.length === 0 ? (
                  <p>Nothing has moved it yet.</p>
                ) : (
                  <ul aria-label="Trust ledger">
                    {r.reported.trust.ledger.map((e, i) => (
                      <li key={i}>
                        {new Date(e.createdAt).toLocaleString()} · {e.source.replace("_", " ")} {signed(e.delta)}
                      </li>
                    ))}
                  </ul>
                )}
              </details>
              {r.details && <p className={styles.details}>“{r.details}”</p>}
              {r.chat.length > 0 ? (
                <ul className={styles.chat} aria-label="Last chat lines">
                  {r.chat.map((line, i) => (
                    <li key={i} data-from={line.from}>
                      <span>{line.from === "reported" ? r.reported.nickname : "reporter"}:</span> {line.text}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className={styles.meta}>No chat lines in this conversation.</p>
              )}
              <div className={styles.actions}>
                <button type="button" onClick={() => void act(r, { action: "dismiss" })}>
                  Dismiss
                </button>
                {BAN_CHOICES.map((c) => (
                  <button
                    key={c.hours}
                    type="button"
                    className={styles.danger}
                    onClick={() => void act(r, { action: "ban", hours: c.hours })}
                  >
                    Ban {c.label}
                  </button>
                ))}
              </div>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}

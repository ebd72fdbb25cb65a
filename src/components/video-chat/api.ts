import type {
  EnqueueInput,
  EnqueueResult,
  ErrorBody,
  FriendView,
  InviteView,
  LivekitJoin,
  ReflectionInput,
  ReportReason,
  RevealView,
  SessionView,
  StatusView,
} from "@/lib/schemas";

/**
 * The browser's typed client for the HTTP API of instructions/api.md. Every failure becomes an
 * `ApiError` carrying the server's code and human sentence, so views can branch on `code` and
 * show `message` without knowing about HTTP.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** From `details.retryAfterMs` or the `Retry-After` header (429). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** When a cooldown ends: `details.until` if the server sent it, else now + retryAfterMs. */
  cooldownUntil(now = Date.now()): number | null {
    const until = (this.details as { until?: unknown } | undefined)?.until;
    if (typeof until === "string" && !Number.isNaN(Date.parse(until))) return Date.parse(until);
    if (typeof until === "number") return until;
    return this.retryAfterMs !== undefined ? now + this.retryAfterMs : null;
  }
}

/** A failure before any HTTP answer (offline, DNS, aborted). */
export const NETWORK_ERROR = "NETWORK";

async function request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers:
        body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, "We couldn't reach MoodMatch. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page, for instance: handled below as a generic failure.
  }
  if (response.ok) return parsed as T;
  throw toApiError(response, parsed);
}

function toApiError(response: Response, parsed: unknown): ApiError {
  const error = (parsed as Partial<ErrorBody> | undefined)?.error;
  const details = error?.details;
  const fromDetails = (details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  const header = Number(response.headers.get("retry-after"));
  const retryAfterMs =
    typeof fromDetails === "number" ? fromDetails : Number.isFinite(header) && header > 0 ? header * 1000 : undefined;
  return new ApiError(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? `Something went wrong (HTTP ${response.status}). Please try again.`,
    details,
    retryAfterMs,
  );
}

export interface PopularInterest {
  interest: string;
  count: number;
}

export interface SessionJoin {
  session: SessionView;
  livekit: LivekitJoin;
}

export const api = {
  enqueue: (input: EnqueueInput) => request<EnqueueResult>("POST", "/api/matching/enqueue", input),
  skip: () => request<EnqueueResult>("POST", "/api/matching/skip", {}),
  end: () => request<{ status: "idle" }>("POST", "/api/matching/end", {}),
  status: () => request<StatusView>("GET", "/api/matching/status"),
  heartbeat: () => request<StatusView>("POST", "/api/matching/heartbeat", {}),
  session: () => request<SessionJoin>("GET", "/api/matching/session"),
  sendChat: (sessionId: string, text: string) =>
    request<{ id: string; sentAt: string }>("POST", "/api/chat/messages", { sessionId, text }),
  typing: (sessionId: string) => request<void>("POST", "/api/chat/typing", { sessionId }),
  reveal: (sessionId: string) => request<{ revealed: RevealView }>("POST", "/api/matching/reveal", { sessionId }),
  report: (sessionId: string, reason: ReportReason, details?: string) =>
    request<{ id: string }>("POST", "/api/reports", details ? { sessionId, reason, details } : { sessionId, reason }),
  block: (sessionId: string) => request<unknown>("POST", "/api/blocks", { sessionId }),
  reflect: (input: ReflectionInput) => request<{ id: string; friends: boolean }>("POST", "/api/reflections", input),
  friends: () => request<{ friends: FriendView[] }>("GET", "/api/friends"),
  unfriend: (id: string) => request<{ removed: true }>("DELETE", `/api/friends/${encodeURIComponent(id)}`),
  /** Ring a friend; when they were already calling you, this answers and you are in the call. */
  callFriend: (id: string) =>
    request<{ status: "ringing"; invite: InviteView } | Extract<EnqueueResult, { status: "in_session" }>>(
      "POST",
      `/api/friends/${encodeURIComponent(id)}/call`,
      {},
    ),
  acceptCall: (inviteId: string) =>
    request<Extract<EnqueueResult, { status: "in_session" }>>(
      "POST",
      `/api/friends/invites/${encodeURIComponent(inviteId)}/accept`,
      {},
    ),
  /** Decline a call to me, or hang up my own before it is answered. */
  endCall: (inviteId: string) =>
    request<{ ended: true }>("POST", `/api/friends/invites/${encodeURIComponent(inviteId)}/decline`, {}),
  popularInterests: () => request<PopularInterest[]>("GET", "/api/interests/popular"),
};

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

import "server-only";

/**
 * The LiveKit RoomService could not do what was asked: unreachable, timed out, 5xx, or it refused
 * the call (401 = wrong LIVEKIT_API_KEY/SECRET, 400 = bad input). API routes map it to 503
 * `UNAVAILABLE`; `status`/`code` are kept for logs and metrics.
 */
export class LivekitUnavailableError extends Error {
  readonly operation: string;
  /** HTTP status from the server; undefined when it was never reached. */
  readonly status: number | undefined;
  /** Twirp error code (`unauthenticated`, `invalid_argument`, …) when the server sent one. */
  readonly code: string | undefined;

  constructor(operation: string, detail: { status?: number; code?: string; message: string }, cause?: unknown) {
    const where = detail.status === undefined ? "unreachable" : `HTTP ${detail.status}${detail.code ? ` ${detail.code}` : ""}`;
    const hint = detail.status === 401 ? " (check LIVEKIT_API_KEY / LIVEKIT_API_SECRET)" : "";
    super(`LiveKit ${operation} failed: ${where}: ${detail.message}${hint}`, { cause });
    this.name = "LivekitUnavailableError";
    this.operation = operation;
    this.status = detail.status;
    this.code = detail.code;
  }
}

/** A webhook whose `Authorization` JWT is missing, invalid, expired or does not match the body. */
export class WebhookSignatureError extends Error {
  constructor(message: string, cause?: unknown) {
    super(`LiveKit webhook rejected: ${message}`, { cause });
    this.name = "WebhookSignatureError";
  }
}

/** A correctly signed webhook whose body is not a usable LiveKit event (no id or event name). */
export class WebhookPayloadError extends Error {
  constructor(message: string, cause?: unknown) {
    super(`LiveKit webhook body is invalid: ${message}`, { cause });
    this.name = "WebhookPayloadError";
  }
}

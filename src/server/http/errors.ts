/**
 * The one error type of the API. Anything thrown inside a route that is not an AppError becomes
 * a 500 INTERNAL (logged); everything a client can cause is an AppError with a 4xx status.
 */
export type ErrorCode =
  | "INVALID_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "ALREADY_IN_SESSION"
  | "NOT_IN_SESSION"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "COOLDOWN"
  | "MAINTENANCE"
  | "UNAVAILABLE"
  | "INTERNAL";

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_IN_SESSION: 409,
  NOT_IN_SESSION: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  COOLDOWN: 429,
  MAINTENANCE: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** For 429/503: how long the client should wait. Sets `Retry-After` and `details.retryAfterMs`. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

export const errors = {
  unauthenticated: () => new AppError("UNAUTHENTICATED", "Sign in first: this needs a session."),
  forbidden: (message = "You are not allowed to do that.") => new AppError("FORBIDDEN", message),
  notFound: (message = "Not found.") => new AppError("NOT_FOUND", message),
  rateLimited: (retryAfterMs: number) =>
    new AppError("RATE_LIMITED", "Too many requests. Slow down a little.", undefined, retryAfterMs),
  cooldown: (until: number, now = Date.now()) =>
    new AppError(
      "COOLDOWN",
      "You skipped a lot of people in a short time. Take a short break before the next match.",
      { until: new Date(until).toISOString() },
      Math.max(0, until - now),
    ),
  maintenance: (message: string) => new AppError("MAINTENANCE", message, undefined, 60_000),
  unavailable: (message = "A service we depend on is unavailable. Please try again shortly.") =>
    new AppError("UNAVAILABLE", message, undefined, 5_000),
};

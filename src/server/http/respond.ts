import "server-only";
import type { ErrorBody } from "@/lib/schemas";
import { AppError } from "./errors";

/** The one mapper from an AppError to the JSON error shape of instructions/api.md. */
export function errorResponse(error: AppError, requestId: string): Response {
  const details =
    error.retryAfterMs !== undefined
      ? { ...(isRecord(error.details) ? error.details : {}), retryAfterMs: error.retryAfterMs }
      : error.details;
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(details !== undefined ? { details } : {}),
      requestId,
    },
  };
  const headers = new Headers({ "content-type": "application/json", "x-request-id": requestId, "cache-control": "no-store" });
  if (error.retryAfterMs !== undefined) headers.set("retry-after", String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

export function jsonResponse(data: unknown, requestId: string, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId, "cache-control": "no-store" },
  });
}

export function emptyResponse(requestId: string, status = 204): Response {
  return new Response(null, { status, headers: { "x-request-id": requestId } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

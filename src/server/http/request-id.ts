import { randomUUID } from "node:crypto";

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request id set by middleware (or a caller's sane one); a fresh one otherwise. */
export function requestIdOf(request: Request): string {
  const incoming = request.headers.get("x-request-id");
  return incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
}

export function isSafeRequestId(value: string | null): value is string {
  return value !== null && SAFE_ID.test(value);
}

import "server-only";
import { errors } from "./http/errors";
import { requestIdOf } from "./http/request-id";
import { errorResponse } from "./http/respond";
import { getServices } from "./services";

/**
 * Guest sign-ins per IP (each one can mint a fresh identity, the cheapest way around a block).
 * Returns a 429 response when over the limit, null otherwise.
 */
export async function limitGuestSignIn(request: Request): Promise<Response | null> {
  if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/callback/guest")) return null;
  const { limits } = await getServices();
  const result = await limits.signIn.consume(clientIp(request));
  return result.ok ? null : errorResponse(errors.rateLimited(result.retryAfterMs), requestIdOf(request));
}

/** The client address as the first proxy saw it; behind no proxy, all requests share one bucket. */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  if (forwarded) return forwarded.split(",")[0]!.trim();
  return request.headers.get("x-real-ip") ?? "direct";
}

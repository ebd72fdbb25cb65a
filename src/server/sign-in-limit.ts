import "server-only";
import { clientAddress } from "./http/client-address";
import { errors } from "./http/errors";
import { getServices } from "./services";

/** The credentials providers whose callback mints a session: each one a fresh identity. */
const GUEST_PROVIDER = "guest";

/**
 * Whether next-auth v4 would run the guest sign-in for this request. It routes on the catch-all
 * segments (`[...nextauth]`: action = first, provider = second) and ignores the rest, so
 * `/callback/guest/anything` is the same callback: key on the parsed segments, never the URL's
 * ending (instructions/safety-and-operations.md "Guest sign-in limit"). Credentials sign-in only
 * runs on POST.
 */
export function isGuestSignIn(method: string, segments: readonly string[] | undefined): boolean {
  return method === "POST" && segments?.[0] === "callback" && segments[1] === GUEST_PROVIDER;
}

/**
 * Guest sign-ins per client address (each one can mint a fresh identity, the cheapest way around
 * a block). Throws 429 RATE_LIMITED with Retry-After when over the limit.
 */
export async function limitGuestSignIn(request: Request, segments: readonly string[] | undefined): Promise<void> {
  if (!isGuestSignIn(request.method, segments)) return;
  const { limits } = await getServices();
  const result = await limits.signIn.consume(clientAddress(request));
  if (!result.ok) throw errors.rateLimited(result.retryAfterMs);
}

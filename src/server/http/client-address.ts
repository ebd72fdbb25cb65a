import "server-only";
import { getEnv } from "../env";

/**
 * The client address for per-address limits (instructions/safety-and-operations.md "Client address").
 *
 * `x-forwarded-for` is a list each proxy appends to; the leftmost entries are whatever the client
 * sent (Next.js only fills the header when it is missing, it never appends). So only the entries
 * our own proxies appended can be trusted, counted from the right: with `trustedHops` proxies in
 * front of the app, the client is the entry `trustedHops` from the right (1 → the last one).
 *
 * With 0 hops (the app directly exposed) every forwarding header is client-written and ignored.
 * Route handlers cannot see the socket address, so all requests then share one bucket: a client
 * can never pick its own bucket, at the price of one limit for everyone.
 */
export const SHARED_BUCKET = "shared";
/** Fewer entries than trusted proxies: the request did not come through all of them. */
export const UNTRUSTED_BUCKET = "untrusted";

export function clientAddressFrom(headers: Headers, trustedHops: number): string {
  if (trustedHops <= 0) return SHARED_BUCKET;
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return UNTRUSTED_BUCKET;
  const entries = forwarded.split(",").map((entry) => entry.trim());
  if (entries.length < trustedHops) return UNTRUSTED_BUCKET;
  const address = entries[entries.length - trustedHops]!;
  return address === "" ? UNTRUSTED_BUCKET : normalize(address);
}

/** The address of the request's client, per `TRUSTED_PROXY_HOPS`. */
export function clientAddress(request: Request): string {
  return clientAddressFrom(request.headers, getEnv().trustedProxyHops);
}

/** Lower case, no IPv4 port or IPv6 brackets (some proxies write `1.2.3.4:5678` or `[::1]:80`); bounded length. */
function normalize(address: string): string {
  let a = address.toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  return a.slice(0, 64);
}

import { AppError } from "./errors";

/**
 * Cross-site request refusal for mutations. Browsers send `Origin` on every cross-origin POST
 * (and Chromium on same-origin ones too); it must be our own origin. Requests without `Origin`
 * come from non-browser clients, which cannot ride a victim's cookies, so they pass.
 */
export function assertSameOrigin(request: Request, appUrl: string | undefined): void {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite === "cross-site") throw crossSite();
  const origin = request.headers.get("origin");
  if (origin === null) return;
  if (origin === "null" || !allowedOrigins(request, appUrl).has(origin)) throw crossSite();
}

function allowedOrigins(request: Request, appUrl: string | undefined): Set<string> {
  const allowed = new Set<string>();
  if (appUrl) allowed.add(new URL(appUrl).origin);
  else {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
    if (host) allowed.add(`${proto}://${host}`);
    allowed.add(new URL(request.url).origin);
  }
  return allowed;
}

function crossSite() {
  return new AppError("FORBIDDEN", "Cross-site requests are not allowed.");
}

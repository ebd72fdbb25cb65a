/**
 * HTTP security headers for `next.config.ts` `headers()`. Pure (no env reads, no server-only
 * import) because next.config runs outside the app; the caller passes the LiveKit URL and mode.
 *
 * CSP notes:
 * - connect-src: LiveKit's signalling WebSocket (ws/wss) and its http(s) twin, which
 *   livekit-client calls for `/rtc/validate` and, on LiveKit Cloud, `/settings/regions` before it
 *   connects to a regional `*.livekit.cloud` host. WebRTC media itself is not governed by CSP.
 * - script-src needs 'unsafe-inline' for Next's inline bootstrap scripts (no nonce middleware)
 *   and 'unsafe-eval' only for the dev server's React Refresh.
 * - form-action is deliberately absent: Chrome applies it to the redirect after a form post, and
 *   next-auth's OAuth sign-in is a form post that redirects to the provider.
 */

export interface SecurityHeader {
  key: string;
  value: string;
}

export interface SecurityHeadersOptions {
  /** the browser-facing LiveKit URL, e.g. wss://project.livekit.cloud or ws://localhost:7880 */
  livekitUrl: string;
  production: boolean;
  /** further origins the browser may fetch from (analytics, error reporting) */
  extraConnectSrc?: string[];
}

const LIVEKIT_CLOUD_SUFFIXES = [".livekit.cloud", ".livekit.run"];

/** Origins the browser needs to reach LiveKit: the ws(s) origin and its http(s) equivalent. */
export function livekitConnectSources(livekitUrl: string): string[] {
  const url = new URL(livekitUrl);
  const secure = url.protocol === "wss:" || url.protocol === "https:";
  if (!["ws:", "wss:", "http:", "https:"].includes(url.protocol)) {
    throw new Error(`LiveKit URL must be ws(s):// or http(s)://, got ${url.protocol}`);
  }
  const sources = [`${secure ? "wss" : "ws"}://${url.host}`, `${secure ? "https" : "http"}://${url.host}`];
  const cloud = LIVEKIT_CLOUD_SUFFIXES.find((suffix) => url.hostname.endsWith(suffix));
  if (cloud) sources.push(`wss://*${cloud}`, `https://*${cloud}`);
  return sources;
}

export function contentSecurityPolicy({ livekitUrl, production, extraConnectSrc = [] }: SecurityHeadersOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", ...(production ? [] : ["'unsafe-eval'"])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", ...livekitConnectSources(livekitUrl), ...extraConnectSrc],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  const parts = Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`);
  if (production) parts.push("upgrade-insecure-requests");
  return parts.join("; ");
}

export function securityHeaders(options: SecurityHeadersOptions): SecurityHeader[] {
  const headers: SecurityHeader[] = [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(options) },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    {
      key: "Permissions-Policy",
      value: "camera=(self), microphone=(self), display-capture=(), geolocation=()",
    },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
  // HSTS on a dev http://localhost would make browsers refuse plain http for that host.
  if (options.production) {
    headers.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" });
  }
  return headers;
}

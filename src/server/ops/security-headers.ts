/**
 * HTTP security headers, set per request by the proxy (`middleware.ts`). Pure (no env reads, no
 * server-only import) because the proxy is bundled apart from the app; the caller passes the
 * LiveKit URL, the mode and the request's nonce.
 *
 * CSP notes:
 * - connect-src: LiveKit's signalling WebSocket (ws/wss) and its http(s) twin, which
 *   livekit-client calls for `/rtc/validate` and, on LiveKit Cloud, `/settings/regions` before it
 *   connects to a regional `*.livekit.cloud` host. WebRTC media itself is not governed by CSP.
 * - script-src allows only scripts carrying this response's nonce ('nonce-…'), and what they load
 *   ('strict-dynamic': Next's chunks); no 'unsafe-inline', so an injected inline script does not
 *   run. Next reads the nonce from the CSP on the request (the proxy sets it there too) and puts
 *   it on its own inline scripts; that happens only while rendering, so every page is rendered
 *   per request (the root layout awaits `connection()`). 'unsafe-eval' only for the dev server.
 *   'wasm-unsafe-eval' lets the page and its workers (which inherit this policy) compile
 *   WebAssembly — the nudity guard's TensorFlow.js kernels — without allowing JavaScript eval.
 * - style-src keeps 'unsafe-inline': Next injects style tags and React writes style attributes.
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
  /** This response's script nonce (`newCspNonce()`), fresh per request. */
  nonce: string;
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

/** 128 random bits, base64: unguessable, and within the characters Next accepts in a nonce. */
export function newCspNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy({ livekitUrl, production, nonce, extraConnectSrc = [] }: SecurityHeadersOptions): string {
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(nonce)) throw new Error("a CSP nonce must be base64 of at least 96 bits");
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      "'wasm-unsafe-eval'",
      ...(production ? [] : ["'unsafe-eval'"]),
    ],
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

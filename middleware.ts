import { NextResponse, type NextRequest } from "next/server";
import { newCspNonce, securityHeaders, type SecurityHeader } from "./src/server/ops/security-headers";

/**
 * The request guard. Next.js loads it from `src/` when the app lives in `src/app`: `src/proxy.ts`
 * is the entry point with the matcher and re-exports this function. It is a proxy, Next 16's
 * name for middleware, because a proxy runs in the Node.js runtime and middleware in the edge
 * sandbox, which copied every request's body stream.
 *
 * The early guard: request ids everywhere, and no session cookie → 401 JSON for the private API
 * (never a redirect) or a redirect to the landing page for private pages. The cookie itself is
 * verified by the route or page; this only spares them requests that cannot succeed.
 */
const PRIVATE_API = ["/api/matching", "/api/chat", "/api/reports", "/api/blocks"];
const PRIVATE_PAGES = ["/video-chat"];
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Security headers are set here, at run time, because the CSP must allow the LiveKit URL of the
 * running deployment and carry a script nonce that is new for every response. The proxy is
 * bundled apart from the routes and must stay small: it reads only the public LiveKit URL and the
 * mode from the environment, not the server env module.
 */
const DEPLOYMENT = {
  livekitUrl: process.env.LIVEKIT_URL || "ws://localhost:7880",
  production: process.env.NODE_ENV === "production",
};

function withSecurityHeaders<R extends Response>(response: R, security: SecurityHeader[]): R {
  for (const { key, value } of security) response.headers.set(key, value);
  return response;
}

export function middleware(request: NextRequest) {
  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
  const path = request.nextUrl.pathname;
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  const nonce = newCspNonce();
  const security = securityHeaders({ ...DEPLOYMENT, nonce });

  if (!hasSession && PRIVATE_API.some((p) => path === p || path.startsWith(`${p}/`))) {
    return withSecurityHeaders(
      NextResponse.json(
        { error: { code: "UNAUTHENTICATED", message: "Sign in first: this needs a session.", requestId } },
        { status: 401, headers: { "x-request-id": requestId, "cache-control": "no-store" } },
      ),
      security,
    );
  }
  if (!hasSession && PRIVATE_PAGES.some((p) => path === p || path.startsWith(`${p}/`))) {
    const url = request.nextUrl.clone();
    url.pathname = "/";
    url.search = `?next=${encodeURIComponent(path)}`;
    return withSecurityHeaders(NextResponse.redirect(url), security);
  }

  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  // Next takes the nonce for its inline scripts from the CSP on the request it renders.
  headers.set("content-security-policy", security.find((h) => h.key === "Content-Security-Policy")!.value);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return withSecurityHeaders(response, security);
}

import { NextResponse, type NextRequest } from "next/server";

/**
 * Next.js loads middleware from `src/` when the app lives in `src/app`; `src/middleware.ts` is
 * the entry point with the matcher and re-exports this function.
 *
 * The early guard: request ids everywhere, and no session cookie → 401 JSON for the private API
 * (never a redirect) or a redirect to the landing page for private pages. The cookie itself is
 * verified by the route or page; this only spares them requests that cannot succeed.
 */
const PRIVATE_API = ["/api/matching", "/api/chat", "/api/reports", "/api/blocks"];
const PRIVATE_PAGES = ["/video-chat"];
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function middleware(request: NextRequest) {
  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
  const path = request.nextUrl.pathname;
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));

  if (!hasSession && PRIVATE_API.some((p) => path === p || path.startsWith(`${p}/`))) {
    return NextResponse.json(
      { error: { code: "UNAUTHENTICATED", message: "Sign in first: this needs a session.", requestId } },
      { status: 401, headers: { "x-request-id": requestId, "cache-control": "no-store" } },
    );
  }
  if (!hasSession && PRIVATE_PAGES.some((p) => path === p || path.startsWith(`${p}/`))) {
    const url = request.nextUrl.clone();
    url.pathname = "/";
    url.search = `?next=${encodeURIComponent(path)}`;
    return NextResponse.redirect(url);
  }

  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return response;
}

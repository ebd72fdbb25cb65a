import "server-only";
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { MAX_BODY_BYTES, readLimited } from "../http/body";
import { AppError } from "../http/errors";
import { requestIdOf } from "../http/request-id";
import { toErrorResponse } from "../http/route";
import { limitGuestSignIn } from "../sign-in-limit";
import { buildAuthOptions } from "./options";

export type AuthRouteContext = { params: Promise<{ nextauth: string[] }> };

/**
 * `/api/auth/[...nextauth]`: next-auth v4 behind the same guards as every other route — the guest
 * sign-in limit keyed on the parsed action and provider, the 16 KiB body limit, and the one error
 * mapper (instructions/safety-and-operations.md "Guest sign-in limit"). next-auth reads the body
 * itself (form-encoded or JSON), so the bounded body is handed on in a fresh request.
 */
export async function handleAuthRequest(request: NextRequest, ctx: AuthRouteContext): Promise<Response> {
  const requestId = requestIdOf(request);
  try {
    const segments = (await ctx.params).nextauth;
    await limitGuestSignIn(request, segments);
    const bounded = await withBoundedBody(request);
    // A failure inside the guest sign-in (Postgres down or slow: 503; anything else: 500) is
    // answered by the one error mapper, not by next-auth's 401 (see buildAuthOptions).
    let failure: { error: unknown } | null = null;
    // Options are built per request so nothing reads the environment while `next build` runs.
    const options = buildAuthOptions({ onAuthorizeError: (error) => (failure = { error }) });
    const response = await NextAuth(options)(bounded, { params: Promise.resolve({ nextauth: segments }) });
    if (failure) throw (failure as { error: unknown }).error;
    return response;
  } catch (error) {
    return toErrorResponse(error, requestId, request);
  }
}

async function withBoundedBody(request: NextRequest): Promise<NextRequest> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return request;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  const body = await readLimited(request);
  return new NextRequest(request.url, { method: request.method, headers: request.headers, body });
}

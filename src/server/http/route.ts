import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { activeUserFromRequest, type SessionUser } from "../auth/session";
import { getEnv } from "../env";
import { logger } from "../logger";
import { readJsonBody } from "./body";
import { isDependencyFailure } from "./dependency-errors";
import { AppError, errors } from "./errors";
import { assertSameOrigin } from "./origin";
import { requestIdOf } from "./request-id";
import { errorResponse, jsonResponse } from "./respond";
import { getMetrics } from "../ops/metrics";

type Auth = "user" | "public" | { bearer: () => string | undefined; name: string };

interface Options<S extends z.ZodType | undefined> {
  auth: Auth;
  /** JSON body schema; implies a mutation (Origin check, 16 KiB limit). */
  body?: S;
  /** Mutation without a body schema (e.g. a webhook reading its raw body): Origin check only. */
  mutation?: boolean;
}

interface Context<S extends z.ZodType | undefined, A extends Auth> {
  request: Request;
  requestId: string;
  user: A extends "user" ? SessionUser : null;
  body: S extends z.ZodType ? z.output<S> : undefined;
}

type Handler<S extends z.ZodType | undefined, A extends Auth> = (ctx: Context<S, A>) => Promise<unknown>;

/**
 * Every API route is `route(options, handler)`: it authorizes, parses, calls one server
 * function and serialises. Errors map to the JSON error shape in one place; nothing a client
 * sends can produce a 5xx.
 */
export function route<S extends z.ZodType | undefined = undefined, A extends Auth = Auth>(
  options: Options<S> & { auth: A },
  handler: Handler<S, A>,
): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const requestId = requestIdOf(request);
    const startedAt = performance.now();
    let response: Response;
    try {
      if (options.body || options.mutation) assertSameOrigin(request, getEnv().appUrl);
      const user = await authorize(request, options.auth);
      const body = options.body ? await readJsonBody(request, options.body) : undefined;
      const result = await handler({ request, requestId, user, body } as Context<S, A>);
      if (result instanceof Response) {
        result.headers.set("x-request-id", requestId);
        response = result;
      } else {
        response = jsonResponse(result, requestId);
      }
    } catch (error) {
      response = toErrorResponse(error, requestId, request);
    }
    // The route's own time (authorize, parse, handle), for DevTools and Resource Timing: it tells
    // a slow server from a slow way to it (instructions/performance.md, Start/Next requests).
    response.headers.set("server-timing", `app;dur=${(performance.now() - startedAt).toFixed(1)}`);
    return response;
  };
}

async function authorize(request: Request, auth: Auth): Promise<SessionUser | null> {
  if (auth === "public") return null;
  if (auth === "user") {
    const user = await activeUserFromRequest(request);
    if (!user) throw errors.unauthenticated();
    return user;
  }
  const expected = auth.bearer();
  if (!expected) throw new AppError("FORBIDDEN", `${auth.name} is disabled: its secret is not configured.`);
  const header = request.headers.get("authorization") ?? "";
  const given = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (!safeEqual(given, expected)) throw new AppError("UNAUTHENTICATED", `A valid bearer token for ${auth.name} is required.`);
  return null;
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The one mapper from anything thrown to a response. */
export function toErrorResponse(error: unknown, requestId: string, request?: Request): Response {
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (isDependencyFailure(error)) {
    logger.error({ err: error, requestId, path: pathOf(request) }, "dependency unavailable");
    appError = errors.unavailable();
  } else {
    logger.error({ err: error, requestId, path: pathOf(request) }, "unhandled error");
    appError = new AppError("INTERNAL", "Something went wrong on our side. Please try again.");
  }
  getMetrics().httpErrors.inc(appError.status, appError.code);
  return errorResponse(appError, requestId);
}

function pathOf(request?: Request) {
  try {
    return request ? new URL(request.url).pathname : undefined;
  } catch {
    return undefined;
  }
}

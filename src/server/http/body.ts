import "server-only";
import type { z } from "zod";
import { AppError } from "./errors";

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON body defensively: 413 past 16 KiB (without buffering more than that), 415 for a
 * non-JSON content type, 400 for malformed JSON or a body that fails the schema. An empty body
 * counts as `{}` so `POST /skip` with no body works from curl.
 */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const raw = await readLimited(request);
  let value: unknown = {};
  if (raw.trim() !== "") {
    const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json" && !type.endsWith("+json")) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON (Content-Type: application/json).");
    }
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AppError("INVALID_INPUT", "The body is not valid JSON.");
    }
  }
  return parseInput(schema, value);
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(
      "INVALID_INPUT",
      "Some fields are missing or invalid.",
      result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
    );
  }
  return result.data;
}

/** Read the raw body as text, refusing to buffer more than the limit. */
export async function readLimited(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

function tooLarge() {
  return new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}

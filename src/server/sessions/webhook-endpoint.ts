import "server-only";
import { readLimited } from "../http/body";
import { AppError } from "../http/errors";
import { WebhookPayloadError, WebhookSignatureError } from "../livekit/errors";
import type { AppServices } from "../app-services";
import { handleLivekitEvent } from "./livekit-webhooks";

const MAX_WEBHOOK_BYTES = 64 * 1024;

/** `POST /api/livekit/webhooks`: verify the signature on the exact raw body, then handle. */
export async function receiveLivekitWebhook(deps: AppServices, request: Request) {
  const raw = await readLimited(request, MAX_WEBHOOK_BYTES);
  let event;
  try {
    event = await deps.webhooks.verify(raw, request.headers.get("authorization"));
  } catch (err) {
    if (err instanceof WebhookSignatureError)
      throw new AppError("UNAUTHENTICATED", "The webhook signature is missing or invalid.");
    if (err instanceof WebhookPayloadError) throw new AppError("INVALID_INPUT", err.message);
    throw err;
  }
  const outcome = await handleLivekitEvent(deps, event);
  return { ok: true, outcome };
}

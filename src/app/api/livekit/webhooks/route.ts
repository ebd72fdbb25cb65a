import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { receiveLivekitWebhook } from "@/server/sessions/webhook-endpoint";

export const dynamic = "force-dynamic";

// Authenticated by the webhook's own signature (checked on the raw body), not by a session.
export const POST = route({ auth: "public" }, async ({ request }) => receiveLivekitWebhook(await getServices(), request));

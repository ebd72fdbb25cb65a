import { blockInputSchema } from "@/lib/schemas";
import { jsonResponse } from "@/server/http/respond";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { blockPartner } from "@/server/sessions/moderation-actions";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: blockInputSchema }, async ({ user, body, requestId }) =>
  jsonResponse(await blockPartner(await getServices(), user.id, body), requestId, 201),
);

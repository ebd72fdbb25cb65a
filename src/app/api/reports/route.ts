import { reportInputSchema } from "@/lib/schemas";
import { jsonResponse } from "@/server/http/respond";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { reportPartner } from "@/server/sessions/moderation-actions";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: reportInputSchema }, async ({ user, body, requestId }) =>
  jsonResponse(await reportPartner(await getServices(), user.id, body), requestId, 201),
);

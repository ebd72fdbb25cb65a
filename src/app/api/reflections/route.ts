import { reflectionInputSchema } from "@/lib/schemas";
import { jsonResponse } from "@/server/http/respond";
import { route } from "@/server/http/route";
import { submitReflection } from "@/server/reflections/reflections";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: reflectionInputSchema }, async ({ user, body, requestId }) =>
  jsonResponse(await submitReflection(await getServices(), user.id, body), requestId, 201),
);

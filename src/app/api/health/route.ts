import { checkHealth } from "@/server/health";
import { jsonResponse } from "@/server/http/respond";
import { route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "public" }, async ({ request, requestId }) => {
  const ready = new URL(request.url).searchParams.has("ready");
  const health = await checkHealth(ready);
  return jsonResponse(health, requestId, health.status === "ok" ? 200 : 503);
});

import { getEnv } from "@/server/env";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { bearer: () => getEnv().metricsToken, name: "the metrics endpoint" } }, async () => {
  const { metrics } = await getServices();
  const { contentType, body } = await metrics.render();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});

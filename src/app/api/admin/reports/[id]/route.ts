import { moderationActionSchema } from "@/lib/admin-schemas";
import { sessionIdSchema } from "@/lib/schemas";
import { actOnReport } from "@/server/admin/moderation";
import { getEnv } from "@/server/env";
import { parseInput } from "@/server/http/body";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function POST(request: Request, { params }: Params) {
  const { id } = await params;
  return route(
    { auth: { bearer: () => getEnv().adminToken, name: "the admin API" }, body: moderationActionSchema },
    async ({ body }) => actOnReport(await getServices(), parseInput(sessionIdSchema, id), body),
  )(request);
}

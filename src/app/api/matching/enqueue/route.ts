import { enqueueInputSchema } from "@/lib/schemas";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { enqueue } from "@/server/sessions/lifecycle";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: enqueueInputSchema }, async ({ user, body }) =>
  enqueue(await getServices(), user.id, body),
);

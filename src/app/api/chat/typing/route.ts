import { typingInputSchema } from "@/lib/schemas";
import { emptyResponse } from "@/server/http/respond";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { sendTyping } from "@/server/sessions/chat";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: typingInputSchema }, async ({ user, body, requestId }) => {
  await sendTyping(await getServices(), user.id, body);
  return emptyResponse(requestId);
});

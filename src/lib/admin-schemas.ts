import { z } from "zod";

/** Moderator actions on a report (`POST /api/admin/reports/:id`). */
export const moderationActionSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("dismiss") }),
  z.strictObject({
    action: z.literal("ban"),
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
    note: z.string().trim().max(500).optional(),
  }),
]);
export type ModerationActionInput = z.infer<typeof moderationActionSchema>;

/** Event payloads shared by the event bus and stream tests. */

/** The n-th chat line from the partner in session s1. */
export const chatFromPartner = (n: number) => ({
  sessionId: "s1",
  id: `m${n}`,
  text: `hi ${n}`,
  sentAt: "2025-01-01T00:00:00.000Z",
  from: "partner" as const,
});

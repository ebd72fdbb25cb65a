import type { EndReason, Mood } from "@/lib/schemas";

export const MOOD_INFO: Record<Mood, { emoji: string; label: string; hint: string }> = {
  chill: { emoji: "😌", label: "Chill", hint: "easy, slow talk" },
  fire: { emoji: "🔥", label: "Fired up", hint: "big energy, big topics" },
  silly: { emoji: "🤪", label: "Silly", hint: "jokes and nonsense" },
  shy: { emoji: "🙈", label: "Shy", hint: "gentle, go slow" },
  random: { emoji: "🎲", label: "Surprise me", hint: "anyone, any mood" },
};

/** What the video area says when a call ends, from my point of view. */
export function endedSentence(reason: EndReason, by: "partner" | "me", partner: string): string {
  if (by === "partner") {
    switch (reason) {
      case "timeout":
      case "disconnect":
        return `${partner} lost the connection.`;
      case "report":
      case "block":
        return `${partner} left.`;
      default:
        return `${partner} left.`;
    }
  }
  switch (reason) {
    case "block":
      return `You blocked ${partner}. You won't be matched again.`;
    case "report":
      return `Thanks — we got your report. You won't be matched with ${partner} again.`;
    case "timeout":
      return "The chat ended because this tab went quiet for too long.";
    case "disconnect":
      return "The chat ended because the video connection was lost.";
    case "skip":
      return `You skipped ${partner}.`;
    default:
      return "You ended the chat.";
  }
}

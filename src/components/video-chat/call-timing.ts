/**
 * User Timing marks for the moments a stranger feels: pressing Start/Next (`asked`), the match
 * arriving (`matchArrived`: the event or the answer), its call view showing (`matched`), the video
 * server's signal answering the join, the call's media connecting, our camera published, the
 * partner's camera subscribed, its `<video>` element mounted and its first frame on screen. They
 * cost nothing, never leave the browser, and are what `npm run bench:call` reads
 * (instructions/performance.md); any real-user monitoring can read them the same way.
 */
export const CALL_MARKS = {
  asked: "moodmatch:asked",
  matchArrived: "moodmatch:match-arrived",
  matched: "moodmatch:matched",
  signalJoined: "moodmatch:signal-joined",
  roomConnected: "moodmatch:room-connected",
  cameraPublished: "moodmatch:camera-published",
  partnerCameraSubscribed: "moodmatch:partner-camera-subscribed",
  partnerVideoMounted: "moodmatch:partner-video-mounted",
  firstFrame: "moodmatch:first-frame",
} as const;

export type CallMark = (typeof CALL_MARKS)[keyof typeof CALL_MARKS];

export function markCall(name: CallMark, sessionId?: string): void {
  if (typeof performance === "undefined" || typeof performance.mark !== "function") return;
  performance.mark(name, { detail: { sessionId: sessionId ?? null } });
}

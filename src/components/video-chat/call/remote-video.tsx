"use client";

import { isTrackReference, useTracks, VideoTrack } from "@livekit/components-react";
import { Track } from "livekit-client";

/** The partner's camera when it is flowing; the fallback sentence otherwise. */
export function RemoteVideo({ fallback, partnerName }: { fallback: React.ReactNode; partnerName: string }) {
  const tracks = useTracks([{ source: Track.Source.Camera, withPlaceholder: false }], { onlySubscribed: true });
  const remote = tracks.filter(isTrackReference).find((t) => !t.participant.isLocal && !t.publication.isMuted);
  if (!remote) return <>{fallback}</>;
  return <VideoTrack trackRef={remote} className="remote-video" aria-label={`${partnerName}'s camera`} />;
}

"use client";

import { useCallback, useEffect, useState } from "react";
import {
  createLocalAudioTrack,
  createLocalVideoTrack,
  MediaDeviceFailure,
  type LocalAudioTrack,
  type LocalVideoTrack,
} from "livekit-client";
import { SETTINGS, useLocalSetting } from "./use-local-setting";

/**
 * The camera and microphone tracks of this tab. They are created once (on the pre-join screen)
 * and outlive every call, so the preview doesn't flicker between strangers: each call's Room
 * publishes these tracks and leaves them running when it disconnects.
 */
export interface LocalMedia {
  video: LocalVideoTrack | null;
  audio: LocalAudioTrack | null;
  videoProblem: string | null;
  audioProblem: string | null;
  cameraOn: boolean;
  micOn: boolean;
  setCameraOn: (on: boolean) => void;
  setMicOn: (on: boolean) => void;
  retry: () => void;
}

export function describeMediaFailure(kind: "camera" | "microphone", error: unknown): string {
  switch (MediaDeviceFailure.getFailure(error)) {
    case MediaDeviceFailure.PermissionDenied:
      return `Your browser blocked the ${kind}. Allow it in the site settings (the icon left of the address), or go on with text chat only.`;
    case MediaDeviceFailure.NotFound:
      return `No ${kind} found. You can still meet people and chat by text.`;
    case MediaDeviceFailure.DeviceInUse:
      return `Your ${kind} is busy in another app or tab. Close it there and try again.`;
    default:
      return `Couldn't start your ${kind}${error instanceof Error && error.message ? ` (${error.message})` : ""}.`;
  }
}

/**
 * 960×540: the partner's picture is rarely shown wider than that, and it costs about half the
 * pixels of 720p to capture and encode (with simulcast layers below it), which on phones and
 * small laptops is the difference between a smooth call and a slow connect (instructions/performance.md).
 */
const CAMERA_CAPTURE = { width: 960, height: 540, frameRate: 30 } as const;

function noMediaSupport(): boolean {
  return typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia;
}

export function useLocalMedia(enabled: boolean): LocalMedia {
  const [video, setVideo] = useState<LocalVideoTrack | null>(null);
  const [audio, setAudio] = useState<LocalAudioTrack | null>(null);
  const [videoProblem, setVideoProblem] = useState<string | null>(null);
  const [audioProblem, setAudioProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [cameraOn, setCameraOnSetting] = useLocalSetting<boolean>(SETTINGS.cameraOn, true);
  const [micOn, setMicOnSetting] = useLocalSetting<boolean>(SETTINGS.micOn, true);

  useEffect(() => {
    if (!enabled) return;
    if (noMediaSupport()) {
      const sentence = "This browser can't use a camera here (it needs HTTPS). You can still chat by text.";
      setVideoProblem(sentence);
      setAudioProblem(null);
      return;
    }
    let cancelled = false;
    let created: Array<LocalVideoTrack | LocalAudioTrack> = [];
    // One after the other: two parallel getUserMedia calls can prompt twice.
    (async () => {
      try {
        const track = await createLocalVideoTrack({ resolution: CAMERA_CAPTURE });
        if (cancelled) return track.stop();
        created.push(track);
        setVideo(track);
        setVideoProblem(null);
      } catch (error) {
        if (!cancelled) setVideoProblem(describeMediaFailure("camera", error));
      }
      try {
        const track = await createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true });
        if (cancelled) return track.stop();
        created.push(track);
        setAudio(track);
        setAudioProblem(null);
      } catch (error) {
        if (!cancelled) setAudioProblem(describeMediaFailure("microphone", error));
      }
    })();
    return () => {
      cancelled = true;
      created.forEach((t) => t.stop());
      created = [];
      setVideo(null);
      setAudio(null);
    };
  }, [enabled, attempt]);

  // Muting a LiveKit camera track also releases the camera (the light goes off).
  useEffect(() => {
    if (!video) return;
    void (cameraOn ? video.unmute() : video.mute()).catch(() => {});
  }, [video, cameraOn]);
  useEffect(() => {
    if (!audio) return;
    void (micOn ? audio.unmute() : audio.mute()).catch(() => {});
  }, [audio, micOn]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    video,
    audio,
    videoProblem,
    audioProblem,
    cameraOn,
    micOn,
    setCameraOn: setCameraOnSetting,
    setMicOn: setMicOnSetting,
    retry,
  };
}

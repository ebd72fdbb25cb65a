"use client";

import { useId } from "react";
import { useMediaDeviceSelect } from "@livekit/components-react";
import type { LocalAudioTrack, LocalVideoTrack } from "livekit-client";

/** A native <select> of cameras or microphones that switches the given local track. */
export function DeviceSelect({
  kind,
  track,
  label,
}: {
  kind: "videoinput" | "audioinput";
  track: LocalVideoTrack | LocalAudioTrack;
  label: string;
}) {
  const id = useId();
  const { devices, activeDeviceId, setActiveMediaDevice } = useMediaDeviceSelect({ kind, track, requestPermissions: false });
  if (devices.length < 1) return null;
  return (
    <div className="device-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={activeDeviceId} onChange={(e) => void setActiveMediaDevice(e.target.value).catch(() => {})}>
        {devices.map((device, index) => (
          <option key={device.deviceId || index} value={device.deviceId}>
            {device.label || `${kind === "videoinput" ? "Camera" : "Microphone"} ${index + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}

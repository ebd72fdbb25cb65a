"use client";

import Link from "next/link";
import { BellIcon, BellOffIcon, LogoMark } from "../../ui/icons";
import type { StreamStatus } from "../use-event-stream";

/** Brand, live connection state and the sound switch. */
export function AppHeader({
  nickname,
  stream,
  online,
  muted,
  onMuted,
}: {
  nickname: string;
  stream: StreamStatus | "paused";
  online: boolean;
  muted: boolean;
  onMuted: (muted: boolean) => void;
}) {
  const live = online && stream === "open";
  const label = !online ? "Offline" : stream === "open" ? "Online" : stream === "paused" ? "Paused" : "Reconnecting…";
  return (
    <header className="app-header">
      <Link href="/" className="brand" aria-label="MoodMatch home">
        <LogoMark /> MoodMatch
      </Link>
      <div className="app-header__right">
        <span className={`pill${live ? " pill--live" : ""}`} role="status" aria-label={`Connection: ${label}`}>
          <span className="pill__dot" aria-hidden="true" />
          {label}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-pressed={!muted}
          aria-label={muted ? "Sounds off" : "Sounds on"}
          title={muted ? "Turn sounds on" : "Turn sounds off"}
          onClick={() => onMuted(!muted)}
        >
          {muted ? <BellOffIcon /> : <BellIcon />}
        </button>
        <span className="app-header__me" title="Your nickname">
          {nickname}
        </span>
      </div>
    </header>
  );
}

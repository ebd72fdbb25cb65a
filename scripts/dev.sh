#!/usr/bin/env bash
# `npm run dev`: Next's dev server, and beside it a local LiveKit server (scripts/livekit.sh) on
# the app's defaults (ws://localhost:7880, devkey/secret, webhooks to this app), stopped with it.
# Skipped when LIVEKIT_URL points elsewhere or something already answers on :7880; without a
# binary (and no Go to build one) the app still runs and the call view says how to get video.
set -uo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-3000}"
livekit_pid=""

if [ -n "${LIVEKIT_URL:-}" ] && [ "${LIVEKIT_URL}" != "ws://localhost:7880" ]; then
  echo "dev: LIVEKIT_URL=$LIVEKIT_URL, not starting a local LiveKit server"
elif curl -s -o /dev/null --max-time 1 http://127.0.0.1:7880/; then
  echo "dev: a LiveKit server already answers on :7880, using it"
elif bash scripts/livekit.sh path >/dev/null; then
  bash scripts/livekit.sh start --port 7880 --tcp-port 7881 --rtc-port 7882 \
    --key "${LIVEKIT_API_KEY:-devkey}" --secret "${LIVEKIT_API_SECRET:-secret}" \
    --webhook "http://localhost:$port/api/livekit/webhooks" \
    > >(grep --line-buffered -v "secret is too short\|^[[:space:]]\|^github.com\|^main\.\|^runtime\.") 2>&1 &
  livekit_pid=$!
  echo "dev: LiveKit server on ws://localhost:7880 (webhooks to :$port)"
else
  echo "dev: no LiveKit server, so calls have chat but no video (see README: what gives video)"
fi

# livekit.sh execs the server, so $! is the server itself (the dev key's short secret is only a warning).
stop() { [ -n "$livekit_pid" ] && kill -TERM "$livekit_pid" 2>/dev/null; }
trap stop EXIT INT TERM
# Also when this script is killed without a chance to trap (e.g. its parent npm was killed).
if [ -n "$livekit_pid" ]; then
  ( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill -TERM "$livekit_pid" 2>/dev/null ) &
fi
npx next dev -p "$port"

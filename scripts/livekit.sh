#!/usr/bin/env bash
# The real LiveKit server (open-source SFU), pinned. Usage:
#   scripts/livekit.sh path                 print the binary's path, building it once if needed
#   scripts/livekit.sh start [options]      run it on loopback (foreground; stops with SIGINT/SIGTERM)
#     --port N (7880) --rtc-port N (7882, UDP) --tcp-port N (7881) --key K --secret S
#     --webhook URL (where it posts webhooks, signed with K/S)
# Looks for $LIVEKIT_SERVER_BIN, then `livekit-server` on PATH, then the git-ignored project cache
# .cache/livekit-server/<version>/; otherwise builds it with Go into that cache (minutes on 2
# cores the first time; Go's own build cache makes later builds quick).
set -euo pipefail

VERSION=v1.13.5
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/livekit-server/$VERSION"

find_binary() {
  if [ -n "${LIVEKIT_SERVER_BIN:-}" ] && [ -x "$LIVEKIT_SERVER_BIN" ]; then echo "$LIVEKIT_SERVER_BIN"; return; fi
  if command -v livekit-server >/dev/null 2>&1; then command -v livekit-server; return; fi
  if [ -x "$cache/livekit-server" ]; then echo "$cache/livekit-server"; return; fi
  return 1
}

build_binary() {
  if ! command -v go >/dev/null 2>&1; then
    cat >&2 <<EOF
livekit-server $VERSION is not installed and Go is not here to build it. Either
  - install Go >= 1.26 and run this again (it builds github.com/livekit/livekit-server@$VERSION), or
  - put a release binary of livekit-server on PATH (or set LIVEKIT_SERVER_BIN), or
  - run it with Docker: docker compose up livekit
EOF
    return 1
  fi
  mkdir -p "$cache"
  echo "building livekit-server $VERSION with $(go version | cut -d' ' -f3) into $cache (a few minutes the first time)…" >&2
  local started=$SECONDS
  # -v prints each package as it compiles: progress for a build that takes minutes.
  CGO_ENABLED=0 GOBIN="$cache" go install -v "github.com/livekit/livekit-server/cmd/server@$VERSION" 2>&1 |
    awk '{ n++; if (n % 25 == 0) { printf "  … %d packages (%s)\n", n, $0; fflush() } }' >&2
  [ -x "$cache/server" ] || { echo "go install finished without a binary in $cache" >&2; return 1; }
  mv "$cache/server" "$cache/livekit-server"
  echo "built livekit-server in $((SECONDS - started)) s" >&2
}

binary() { find_binary || { build_binary >&2 && find_binary; }; }

start() {
  local port=7880 rtc_port=7882 tcp_port=7881 key=devkey secret=secret webhook=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port=$2; shift 2 ;;
      --rtc-port) rtc_port=$2; shift 2 ;;
      --tcp-port) tcp_port=$2; shift 2 ;;
      --key) key=$2; shift 2 ;;
      --secret) secret=$2; shift 2 ;;
      --webhook) webhook=$2; shift 2 ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
  done
  local bin
  bin=$(binary)
  # Loopback only (instructions/livekit.md "Running the real server"): the UDP mux binds every
  # interface IP unless restricted to lo, and node_ip 127.0.0.1 needs the loopback candidate.
  local config
  config=$(cat <<EOF
port: $port
bind_addresses: [127.0.0.1]
log_level: warn
rtc:
  udp_port: $rtc_port
  tcp_port: $tcp_port
  use_external_ip: false
  node_ip: 127.0.0.1
  enable_loopback_candidate: true
  interfaces:
    includes: [lo]
keys:
  "$key": "$secret"
room:
  auto_create: false
  empty_timeout: 60
  departure_timeout: 15
  max_participants: 2
EOF
)
  if [ -n "$webhook" ]; then
    config+=$'\n'"webhook:"$'\n'"  api_key: \"$key\""$'\n'"  urls: [\"$webhook\"]"
  fi
  exec "$bin" --config-body "$config"
}

case "${1:-}" in
  path) binary ;;
  start) shift; start "$@" ;;
  *) echo "usage: $0 path | start [--port N] [--rtc-port N] [--tcp-port N] [--key K] [--secret S] [--webhook URL]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes sure what the test suite needs is here: Debian's Chromium, a Redis and a Postgres that
# answer on 127.0.0.1 (started, and installed with apt-get if missing and we are root), and the
# real LiveKit server's binary (scripts/livekit.sh; the tests start their own servers with it).
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "missing packages: $* (install them, or run as root)" >&2; return 1; fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql-client)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then echo "installing: ${need[*]}"; apt_install "${need[@]}"; fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }

if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "starting postgres"
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$version" main >/dev/null
  fi
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  grep -q "^host all all 127.0.0.1/32 trust" "$hba" || sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && break; sleep 0.2; done
fi
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "Postgres does not answer on 127.0.0.1:5432" >&2; exit 1; }
livekit=$(bash "$(dirname "$0")/livekit.sh" path) || { echo "no livekit-server: the real-video tests need it" >&2; exit 1; }
echo "services ready: chromium, redis, postgres, livekit-server ($livekit)"

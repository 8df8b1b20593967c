#!/usr/bin/env bash
# Browser end-to-end specs: starts the ProctorWise server on a free loopback port with a fresh
# SQLite data dir and the demo accounts, runs playwright/specs with Debian's Chromium, stops the
# server and removes the data dir whatever happens.
#
# Usage: deploy/lib/e2e.sh [SERVER_BINARY]
#   default binary: ${CARGO_TARGET_DIR:-$HOME/.cache/proctorwise/target}/debug/proctorwise
# Env: CHROMIUM_PATH (default /usr/bin/chromium), FAKE_WEBCAM_Y4M (optional .y4m camera feed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/proctorwise/target}/debug/proctorwise}"

echo "== Playwright (Chromium) end-to-end specs =="

if [ ! -x "$binary" ]; then
  echo "e2e: server binary not found or not executable: $binary (build it with cargo build -p proctorwise)" >&2
  exit 1
fi

# Debian's Chromium: Playwright's own browser download cannot work here.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$chromium" != /usr/bin/chromium ]; then
    echo "e2e: CHROMIUM_PATH=$chromium is not an executable" >&2
    exit 1
  fi
  echo "e2e: installing Debian's chromium"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

# Static files the server serves (htmx in static/vendor).
bash "$root/deploy/lib/assets.sh"

# The test driver (playwright-core, pinned with checksums in package-lock.json).
cd "$root/playwright"
stamp=node_modules/.proctorwise-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
tmp="$(mktemp -d)"
log="$tmp/server.log"
server_pid=""

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/data"
env -u DATABASE_URL \
  PROCTORWISE_BIND="127.0.0.1:$port" \
  PROCTORWISE_DATA_DIR="$tmp/data" \
  PROCTORWISE_STATIC_DIR="$root/static" \
  PROCTORWISE_DEMO=true \
  "$binary" >"$log" 2>&1 &
server_pid=$!

url="http://127.0.0.1:$port"
deadline=$((SECONDS + 60))
until curl -sf -o /dev/null "$url/ready"; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited before it was ready; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "e2e: the server was not ready at $url/ready within 60 s; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.3
done
echo "e2e: server ready at $url (pid $server_pid)"

# The runner's output is kept to check that specs did run: a pattern matching no file would
# otherwise pass with zero tests.
set +e
PROCTORWISE_URL="$url" npm test --silent 2>&1 | tee "$tmp/test.log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -eq 0 ] && ! grep -Eq '^# pass [1-9]' "$tmp/test.log"; then
  echo "e2e: no spec ran" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "e2e: specs failed (screenshots in playwright/.artifacts/); server log tail:" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"

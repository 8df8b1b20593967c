#!/usr/bin/env bash
# Browser end-to-end specs: starts the ProctorWise server on a free loopback port with a fresh
# SQLite data dir and the demo accounts, runs playwright/specs with Debian's Chromium, stops the
# server and removes the data dir whatever happens.
#
# Usage: deploy/lib/e2e.sh [SERVER_BINARY]
#   default binary: ${CARGO_TARGET_DIR:-$HOME/.cache/proctorwise/target}/debug/proctorwise
# Env: CHROMIUM_PATH (default /usr/bin/chromium), FAKE_WEBCAM_Y4M (.y4m camera feed; default: a
# test pattern made with ffmpeg, installed from Debian when missing, cached in playwright/.artifacts/),
# E2E_SPECS (which specs to run: space-separated file globs relative to playwright/specs/, e.g.
# E2E_SPECS=proctoring.spec.js or E2E_SPECS='exam-*.spec.js proctoring.spec.js'; default: every
# specs/*.spec.js; a glob matching no file is an error).
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

# The camera Chromium sees: a small test-pattern video (.y4m) made once with ffmpeg and cached
# under playwright/.artifacts/; FAKE_WEBCAM_Y4M names another file. Without ffmpeg (and no way to
# install it) Chromium's built-in fake camera is used, with a warning.
if [ -z "${FAKE_WEBCAM_Y4M:-}" ]; then
  webcam="$root/playwright/.artifacts/fake-webcam.y4m"
  if [ ! -s "$webcam" ]; then
    if ! command -v ffmpeg >/dev/null 2>&1; then
      echo "e2e: installing Debian's ffmpeg (to make the fake webcam video)"
      apt-get update || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg || true
    fi
    if command -v ffmpeg >/dev/null 2>&1; then
      mkdir -p "$(dirname "$webcam")"
      # 2 s of a moving test pattern, 320x240 at 10 fps (about 2 MB): Chromium loops it.
      ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=10" -t 2 \
        -pix_fmt yuv420p "$webcam.tmp.y4m"
      mv "$webcam.tmp.y4m" "$webcam"
    fi
  fi
  if [ -s "$webcam" ]; then
    export FAKE_WEBCAM_Y4M="$webcam"
  else
    echo "e2e: warning: no ffmpeg, the specs use Chromium's built-in fake camera" >&2
  fi
elif [ ! -s "$FAKE_WEBCAM_Y4M" ]; then
  echo "e2e: FAKE_WEBCAM_Y4M=$FAKE_WEBCAM_Y4M is not a non-empty file" >&2
  exit 1
else
  # Absolute: Chromium runs from playwright/.
  FAKE_WEBCAM_Y4M="$(cd "$(dirname "$FAKE_WEBCAM_Y4M")" && pwd)/$(basename "$FAKE_WEBCAM_Y4M")"
  export FAKE_WEBCAM_Y4M
fi
if [ -n "${FAKE_WEBCAM_Y4M:-}" ]; then echo "e2e: fake webcam video: $FAKE_WEBCAM_Y4M"; fi

# Cameras showing one face, two faces and nobody, for the in-browser detector spec: real photos
# (models/fetch.sh images) letterboxed to 640x480.
command -v ffmpeg >/dev/null 2>&1 || { echo "e2e: ffmpeg is required (apt-get install ffmpeg)" >&2; exit 1; }
"$root/models/fetch.sh" images
for pair in ONE:astronaut.png TWO:zidane.jpg NONE:coffee.png; do
  name="${pair%%:*}" photo="${pair#*:}"
  y4m="$root/playwright/.artifacts/webcam-${photo%.*}.y4m"
  if [ ! -s "$y4m" ]; then
    mkdir -p "$(dirname "$y4m")"
    ffmpeg -hide_banner -loglevel error -y -loop 1 -i "$root/models/eval/images/$photo" -t 1 -r 5 \
      -vf "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2" \
      -pix_fmt yuv420p "$y4m.tmp.y4m"
    mv "$y4m.tmp.y4m" "$y4m"
  fi
  export "WEBCAM_${name}_Y4M=$y4m"
done

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
  PROCTORWISE_MODELS_DIR="$root/models" \
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
if [ -n "${E2E_SPECS:-}" ]; then
  specs=()
  for pattern in $E2E_SPECS; do
    matched=(specs/$pattern)
    if [ ! -f "${matched[0]}" ]; then
      echo "e2e: E2E_SPECS: no spec file matches $pattern in playwright/specs/" >&2
      exit 1
    fi
    specs+=("${matched[@]}")
  done
  echo "e2e: specs: ${specs[*]}"
  PROCTORWISE_URL="$url" node --test --test-concurrency=1 "${specs[@]}" 2>&1 | tee "$tmp/test.log"
else
  PROCTORWISE_URL="$url" npm test --silent 2>&1 | tee "$tmp/test.log"
fi
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

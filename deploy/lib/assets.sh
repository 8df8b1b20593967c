#!/usr/bin/env bash
# Installs the pinned front-end packages (checksums in static/package-lock.json) and copies the
# files the server serves into static/vendor/ (gitignored). Skips npm when already up to date.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root/static"
stamp=node_modules/.proctorwise-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
mkdir -p vendor
cp node_modules/htmx.org/dist/htmx.min.js vendor/htmx.min.js
cp node_modules/htmx-ext-sse/dist/sse.min.js vendor/htmx-sse.min.js

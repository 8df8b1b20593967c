#!/usr/bin/env bash
# Reproduces the committed browser models from their npm packages (a developer step, not part
# of the run or test commands: it installs TensorFlow, about 600 MB, in a throwaway venv).
#   models/convert/convert.sh            convert into a temp dir and check against the committed files
#   models/convert/convert.sh --replace  also replace the committed files (then update SHA256SUMS)
# tf2onnx names the constants it folds in a run-dependent order, so two conversions are never
# byte-identical; fingerprint.py hashes what the model computes (operators, attributes, constant
# values) and the check compares those fingerprints.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
models="$(dirname "$here")"
cache="${PROCTORWISE_CACHE:-$HOME/.cache/proctorwise}"
venv="$cache/convert-venv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tf2onnx' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
py="$venv/bin/python"

cd "$work"
npm pack -q @mediapipe/face_detection@0.4.1657300184 >/dev/null
npm pack -q @vladmandic/human@3.3.6 >/dev/null
echo "a118cde74923dc4435257fbfbb613464a0f58d115dff6314d4ff96c8aebf6419  mediapipe-face_detection-0.4.1657300184.tgz
425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7  vladmandic-human-3.3.6.tgz" | sha256sum --quiet -c
tar xzf mediapipe-face_detection-0.4.1657300184.tgz package/face_detection_short_range.tflite
tar xzf vladmandic-human-3.3.6.tgz package/models/centernet.json package/models/centernet.bin

"$py" -m tf2onnx.convert --tflite package/face_detection_short_range.tflite --output blazeface.onnx --opset 13 >convert.log 2>&1
"$py" "$here/fix_tfjs.py" package/models/centernet.json package/models/centernet_fixed.json
"$py" -m tf2onnx.convert --tfjs package/models/centernet_fixed.json --output centernet.onnx --opset 13 >>convert.log 2>&1

status=0
for m in blazeface centernet; do
  new="$("$py" "$here/fingerprint.py" "$m.onnx")"
  old="$("$py" "$here/fingerprint.py" "$models/$m.onnx")"
  if [ "$new" = "$old" ]; then echo "$m.onnx: same model as committed ($new)"; else echo "$m.onnx: DIFFERS ($new vs $old)"; status=1; fi
  if [ "${1:-}" = "--replace" ]; then cp "$m.onnx" "$models/$m.onnx"; fi
done
[ "${1:-}" != "--replace" ] || (cd "$models" && sha256sum blazeface.onnx centernet.onnx >SHA256SUMS)
exit "$status"

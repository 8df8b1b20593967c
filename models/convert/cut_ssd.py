"""Cuts the converted Coral SSD-MobileNet-v2 graph before its NonMaxSuppression.

tf2onnx turns TFLite_Detection_PostProcess into an ONNX NonMaxSuppression that tract cannot
run. The two tensors that feed it are what the detector needs: decoded boxes `[1,1917,4]`
(ymin, xmin, ymax, xmax in 0..1) and sigmoid class scores `[1,90,1917]` (background already
sliced off). tf2onnx numbers its tensors differently on each run, so they are found as the NMS
node's first two inputs rather than by name. wasm-detector/src/decode/ssd.rs thresholds them and
runs the per-class NMS.

Usage: python cut_ssd.py ssd_full.onnx ssd.onnx
"""
import sys

import onnx
import onnx.utils


def cut(src, dst):
    model = onnx.load(src)
    nms = [n for n in model.graph.node if n.op_type == "NonMaxSuppression"]
    if len(nms) != 1:
        sys.exit(f"{src}: expected one NonMaxSuppression node, found {len(nms)}")
    boxes, scores = nms[0].input[0], nms[0].input[1]
    inputs = [i.name for i in model.graph.input]
    onnx.utils.extract_model(src, dst, inputs, [boxes, scores])
    # Stable output names for readers of the model (the decoder finds them by shape).
    out = onnx.load(dst)
    for value, name in zip(out.graph.output, ["boxes", "scores"]):
        for node in out.graph.node:
            node.output[:] = [name if o == value.name else o for o in node.output]
            node.input[:] = [name if i == value.name else i for i in node.input]
        value.name = name
    onnx.checker.check_model(out)
    onnx.save(out, dst)


if __name__ == "__main__":
    cut(sys.argv[1], sys.argv[2])

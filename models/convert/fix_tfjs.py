"""Completes a TensorFlow.js graph model so that tf2onnx can read it.

Human's CenterNet graph omits attributes TensorFlow has defaults for (`TArgs` of fused ops,
`index_type` of TopKV2 ...). This fills them from TensorFlow's own op registry and writes a new
model.json; the weights file is untouched.

Usage: python fix_tfjs.py centernet.json centernet_fixed.json
"""
import json
import sys

from google.protobuf.json_format import MessageToDict
from tensorflow.python.framework import op_def_registry

FUSED = ("_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul")


def complete(model):
    for node in model["modelTopology"]["node"]:
        attrs = node.setdefault("attr", {})
        if node["op"] in FUSED and "TArgs" not in attrs:
            count = int(attrs.get("num_args", {}).get("i", "0"))
            attrs["TArgs"] = {"list": {"type": [attrs["T"]["type"]] * count}}
        op_def = op_def_registry.get(node["op"])
        if op_def is None:
            continue
        for attr in op_def.attr:
            if attr.name not in attrs and attr.HasField("default_value"):
                attrs[attr.name] = MessageToDict(attr.default_value)
    return model


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        model = json.load(f)
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(complete(model), f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

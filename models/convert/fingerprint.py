"""Prints a fingerprint of an ONNX model that ignores tf2onnx's generated names.

tf2onnx is not byte-for-byte deterministic: it numbers the constants it folds in an order that
varies between runs, so two conversions of the same model differ in names only. The
fingerprint hashes what the model computes instead: the multiset of operators with their
attributes (tf2onnx may also emit independent nodes in another order), the graph's inputs and outputs, and the multiset of constant tensors (values and
shapes). Two conversions with equal fingerprints are the same model.

Usage: python fingerprint.py model.onnx
"""
import hashlib
import sys

import onnx
from onnx import numpy_helper


def fingerprint(path):
    model = onnx.load(path)
    graph = model.graph
    h = hashlib.sha256()
    nodes = []
    for node in graph.node:
        n = hashlib.sha256(node.op_type.encode())
        for attr in sorted(node.attribute, key=lambda a: a.name):
            if attr.type != onnx.AttributeProto.GRAPH:
                n.update(attr.name.encode())
                n.update(repr(onnx.helper.get_attribute_value(attr)).encode())
        nodes.append(n.hexdigest())
    for n in sorted(nodes):
        h.update(n.encode())
    for value in list(graph.input) + list(graph.output):
        h.update(value.name.encode())
        dims = value.type.tensor_type.shape.dim
        h.update(repr([d.dim_value for d in dims]).encode())
    constants = sorted(
        hashlib.sha256(numpy_helper.to_array(t).tobytes() + repr(list(t.dims)).encode()).hexdigest()
        for t in graph.initializer
    )
    for c in constants:
        h.update(c.encode())
    return h.hexdigest()


if __name__ == "__main__":
    print(fingerprint(sys.argv[1]))

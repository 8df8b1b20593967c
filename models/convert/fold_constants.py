"""Constant-folds an ONNX model with ONNX Runtime's basic graph optimisations.

Keijiro's BlazeFace exports compute Pad's `pads` input through a small Concat of constants,
which tract cannot analyse. ONNX Runtime's "basic" level (constant folding and redundant-node
elimination only, no hardware-specific fusions) folds it into a constant; the weights and the
outputs are unchanged.

Usage: python fold_constants.py in.onnx out.onnx
"""
import sys

import onnxruntime as ort


def fold(src, dst):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = dst
    ort.InferenceSession(src, options, providers=["CPUExecutionProvider"])


if __name__ == "__main__":
    fold(sys.argv[1], sys.argv[2])

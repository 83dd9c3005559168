"""Writes a synthetic image model with ResNet50's interface and about its cost (3 GFLOPs per 224x224 image):
input pixel_values [N, 3, 224, 224], outputs last_hidden_state [N, 2048, 14, 14] and pooler_output
[N, 2048, 1, 1], random (He-initialised) weights. It exists to time pipelines with a model whose inference
costs what a real one does; its vectors mean nothing.

    python make_model.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

rng = np.random.default_rng(0)
nodes, inits = [], []


def conv(x, cin, cout, k, stride, name):
    w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
    inits.append(helper.make_tensor(name + ".w", TensorProto.FLOAT, w.shape, w.flatten().tolist()))
    y = name + ".y"
    nodes.append(helper.make_node("Conv", [x, name + ".w"], [y], kernel_shape=[k, k], strides=[stride, stride],
                                  pads=[k // 2] * 4))
    r = name + ".r"
    nodes.append(helper.make_node("Relu", [y], [r]))
    return r


x = conv("pixel_values", 3, 64, 7, 2, "stem")  # 112 x 112
nodes.append(helper.make_node("MaxPool", [x], ["pool"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
x = "pool"  # 56 x 56
for i in range(4):
    x = conv(x, 64, 64, 3, 1, f"s1.{i}")
x = conv(x, 64, 128, 3, 2, "s2.down")  # 28 x 28
for i in range(3):
    x = conv(x, 128, 128, 3, 1, f"s2.{i}")
x = conv(x, 128, 256, 3, 2, "s3.down")  # 14 x 14
for i in range(3):
    x = conv(x, 256, 256, 3, 1, f"s3.{i}")
w = (rng.standard_normal((2048, 256, 1, 1)) * np.sqrt(2.0 / 256)).astype(np.float32)
inits.append(helper.make_tensor("expand.w", TensorProto.FLOAT, w.shape, w.flatten().tolist()))
nodes.append(helper.make_node("Conv", [x, "expand.w"], ["expand.y"], kernel_shape=[1, 1]))
nodes.append(helper.make_node("Relu", ["expand.y"], ["last_hidden_state"]))
nodes.append(helper.make_node("GlobalAveragePool", ["last_hidden_state"], ["pooler_output"]))
graph = helper.make_graph(
    nodes, "resnet_cost", [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 224, 224])],
    [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", 2048, 14, 14]),
     helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, ["batch_size", 2048, 1, 1])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
print("wrote", sys.argv[1])

#!/usr/bin/env python3
"""Makes the benchmark's inputs, on demand, into a cache outside the repository (never committed):

  <cache>/models/clip-vit-b32/   OpenAI CLIP ViT-B/32's image tower at full size with fixed-seed random weights, in
                                 the Hugging Face ONNX layout ClipEmbedder loads (onnx/vision_model.onnx as optimum
                                 exports CLIPVisionModelWithProjection: pixel_values -> image_embeds [N, 512],
                                 last_hidden_state [N, 50, 768]), plus the tiny committed test text tower and
                                 tokenizer.json (a ClipEmbedder needs both towers; the benchmark embeds images only).
  <cache>/models/resnet50/       torchvision's ResNet50 (BatchNorm folded into the convolutions, as inference exports
                                 have it) with random weights: pixel_values -> last_hidden_state [N, 2048, 7, 7],
                                 pooler_output [N, 2048, 1, 1].
  <cache>/models/sgemm-*.onnx    one float32 MatMul by a constant square matrix (1024, 2048), for the machine's FLOP/s.
  <cache>/images/                500 JPEG photos-like images (gradients, shapes, texture and sensor-like noise), from
                                 640x480 to 1024x768 in both orientations, quality 80..95: what a photo folder holds.
  <cache>/assets.json            what was made, with the FLOPs per image counted from each graph (MatMul, Gemm and
                                 Conv multiply-adds x 2) to show the compute equals the pretrained models'.

The compute of a transformer or a CNN does not depend on its weights' values, only on its shapes, so these models
cost exactly what the pretrained ones do (CLIP ViT-B/32: 8.82 GFLOPs per image). The graphs are built with the onnx
helper API (no torch download): Conv patch embedding, class token, position embedding, pre-LayerNorm, 12 pre-norm
encoder layers (q/k/v/out projections with biases, 12 heads of 64, softmax attention, fc1 3072 + quick_gelu + fc2),
post-LayerNorm of the class token, projection to 512, exactly the operators of an optimum export.

Usage: make_assets.py <cache-dir> [--images N]   (idempotent: existing, complete outputs are kept)
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference
from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parents[2]
TEST_CLIP = REPO / "embedders-onnx" / "src" / "test" / "resources" / "models" / "clip"
VERSION = 1  # bump when the outputs change, so that caches are rebuilt
OPSET = 18


class Graph:
    """A graph under construction: nodes, fixed-seed random initialisers, unique names."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def weight(self, name, shape, std):
        value = self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std)
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def const(self, name, value, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type, inputs, outputs=None, **attrs):
        self.count += 1
        outputs = outputs or [f"{op_type.lower()}_{self.count}"]
        self.nodes.append(helper.make_node(op_type, inputs, outputs, **attrs))
        return outputs[0]

    def linear(self, x, name, fan_in, fan_out, bias=True, std=0.02):
        y = self.op("MatMul", [x, self.weight(f"{name}.weight", [fan_in, fan_out], std)])
        return self.op("Add", [y, self.const(f"{name}.bias", np.zeros(fan_out))]) if bias else y

    def layer_norm(self, x, name, width):
        return self.op("LayerNormalization", [x, self.const(f"{name}.weight", np.ones(width)),
                                              self.const(f"{name}.bias", np.zeros(width))], axis=-1, epsilon=1e-5)

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="imgsearch-benchmarks")
        model.ir_version = 9
        return model


def tensor(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


# ----------------------------------------------------------------------------------------------------------------
# CLIP ViT-B/32 image tower (transformers' CLIPVisionModelWithProjection)
# ----------------------------------------------------------------------------------------------------------------

def clip_vision(image_size=224, patch=32, width=768, layers=12, heads=12, mlp=3072, projection=512, seed=32):
    g = Graph(seed)
    grid = image_size // patch
    tokens = grid * grid + 1
    head_dim = width // heads
    x = g.op("Conv", ["pixel_values", g.weight("embeddings.patch_embedding.weight", [width, 3, patch, patch], 0.02)],
             kernel_shape=[patch, patch], strides=[patch, patch])
    x = g.op("Transpose", [g.op("Reshape", [x, g.const("patch_shape", [0, width, grid * grid], np.int64)])],
             perm=[0, 2, 1])
    batch = g.op("Slice", [g.op("Shape", ["pixel_values"]), g.const("zero", [0], np.int64),
                           g.const("one", [1], np.int64)])
    cls_shape = g.op("Concat", [batch, g.const("cls_tail", [1, width], np.int64)], axis=0)
    cls = g.op("Expand", [g.weight("embeddings.class_embedding", [1, 1, width], 0.02), cls_shape])
    x = g.op("Concat", [cls, x], axis=1)
    x = g.op("Add", [x, g.weight("embeddings.position_embedding", [1, tokens, width], 0.02)])
    x = g.layer_norm(x, "pre_layrnorm", width)
    split_heads = g.const("split_heads", [0, -1, heads, head_dim], np.int64)
    merge_heads = g.const("merge_heads", [0, -1, width], np.int64)
    scale = g.const("attention_scale", head_dim ** -0.5)
    gelu_k = g.const("quick_gelu_k", 1.702)
    for i in range(layers):
        p = f"encoder.layers.{i}"
        h = g.layer_norm(x, f"{p}.layer_norm1", width)
        q = g.op("Mul", [g.linear(h, f"{p}.self_attn.q_proj", width, width), scale])
        k = g.linear(h, f"{p}.self_attn.k_proj", width, width)
        v = g.linear(h, f"{p}.self_attn.v_proj", width, width)
        q = g.op("Transpose", [g.op("Reshape", [q, split_heads])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [k, split_heads])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [v, split_heads])], perm=[0, 2, 1, 3])
        attn = g.op("Softmax", [g.op("MatMul", [q, k])], axis=-1)
        o = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [attn, v])], perm=[0, 2, 1, 3]), merge_heads])
        x = g.op("Add", [x, g.linear(o, f"{p}.self_attn.out_proj", width, width)])
        h = g.layer_norm(x, f"{p}.layer_norm2", width)
        h = g.linear(h, f"{p}.mlp.fc1", width, mlp)
        h = g.op("Mul", [h, g.op("Sigmoid", [g.op("Mul", [h, gelu_k])])])
        x = g.op("Add", [x, g.linear(h, f"{p}.mlp.fc2", mlp, width)])
    g.op("Identity", [x], ["last_hidden_state"])
    pooled = g.op("Gather", [x, g.const("cls_index", 0, np.int64)], axis=1)
    pooled = g.layer_norm(pooled, "post_layernorm", width)
    g.op("MatMul", [pooled, g.weight("visual_projection.weight", [width, projection], 0.02)], ["image_embeds"])
    return g.model("clip-vision-vit-b32",
                   [tensor("pixel_values", TensorProto.FLOAT, ["batch_size", 3, image_size, image_size])],
                   [tensor("image_embeds", TensorProto.FLOAT, ["batch_size", projection]),
                    tensor("last_hidden_state", TensorProto.FLOAT, ["batch_size", tokens, width])])


# ----------------------------------------------------------------------------------------------------------------
# ResNet50 (torchvision layout, BatchNorm folded into conv biases)
# ----------------------------------------------------------------------------------------------------------------

def resnet50(seed=50):
    g = Graph(seed)

    def conv(x, name, cin, cout, k, stride=1, relu=True, gain=1.0):
        w = g.weight(f"{name}.weight", [cout, cin, k, k], gain * math.sqrt(2.0 / (cin * k * k)))
        y = g.op("Conv", [x, w, g.const(f"{name}.bias", np.zeros(cout))], kernel_shape=[k, k],
                 strides=[stride, stride], pads=[k // 2] * 4)
        return g.op("Relu", [y]) if relu else y

    x = conv("pixel_values", "conv1", 3, 64, 7, stride=2)
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (blocks, width) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)], start=1):
        for b in range(blocks):
            p = f"layer{stage}.{b}"
            stride = 2 if b == 0 and stage > 1 else 1
            h = conv(x, f"{p}.conv1", cin, width, 1)
            h = conv(h, f"{p}.conv2", width, width, 3, stride=stride)
            h = conv(h, f"{p}.conv3", width, width * 4, 1, relu=False, gain=0.2)
            shortcut = conv(x, f"{p}.downsample", cin, width * 4, 1, stride=stride, relu=False) if b == 0 else x
            x = g.op("Relu", [g.op("Add", [h, shortcut])])
            cin = width * 4
    g.op("Identity", [x], ["last_hidden_state"])
    g.op("GlobalAveragePool", [x], ["pooler_output"])
    return g.model("resnet50", [tensor("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 224, 224])],
                   [tensor("last_hidden_state", TensorProto.FLOAT, ["batch_size", 2048, 7, 7]),
                    tensor("pooler_output", TensorProto.FLOAT, ["batch_size", 2048, 1, 1])])


# ----------------------------------------------------------------------------------------------------------------
# FLOPs per image, counted from the graph
# ----------------------------------------------------------------------------------------------------------------

def flops_per_image(model) -> float:
    """2 x the multiply-adds of every MatMul, Gemm and Conv, with the batch dimension taken as 1."""
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = [d.dim_value if d.HasField("dim_value") else 1 for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    for init in model.graph.initializer:
        shapes[init.name] = list(init.dims)
    macs = 0
    for node in model.graph.node:
        if node.op_type in ("MatMul", "Gemm"):
            k = shapes[node.input[0]][-1]
            macs += math.prod(shapes[node.output[0]]) * k
        elif node.op_type == "Conv":
            w = shapes[node.input[1]]
            macs += math.prod(shapes[node.output[0]]) * math.prod(w[1:])
    return 2.0 * macs


def check(model):
    onnx.checker.check_model(model)  # the protobuf is > 2 GB-safe here: ~350 MB, checked in memory


def save_model(model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    onnx.save(model, str(tmp))
    tmp.replace(path)
    print(f"[assets] wrote {path} ({path.stat().st_size / 1e6:.0f} MB)", flush=True)


def make_clip(directory: Path) -> float:
    model = clip_vision()
    check(model)
    flops = flops_per_image(model)
    save_model(model, directory / "onnx" / "vision_model.onnx")
    # The tiny committed text tower and the real CLIP tokenizer: ClipEmbedder loads both towers.
    shutil.copyfile(TEST_CLIP / "onnx" / "text_model.onnx", directory / "onnx" / "text_model.onnx")
    for name in ("tokenizer.json", "preprocessor_config.json"):
        shutil.copyfile(TEST_CLIP / name, directory / name)
    (directory / "config.json").write_text(json.dumps({
        "model_type": "clip", "projection_dim": 512, "note": "random weights, for benchmarks only",
        "vision_config": {"image_size": 224, "patch_size": 32, "hidden_size": 768, "num_hidden_layers": 12,
                          "num_attention_heads": 12, "intermediate_size": 3072}}, indent=2) + "\n")
    return flops


SGEMM_SIZES = (1024, 2048)  # the ceiling is the best rate either size reaches


def make_sgemm(path: Path, size: int) -> None:
    """a [size, size] @ B [size, size], float32, B a constant as a model's weights are (ONNX Runtime pre-packs those)."""
    g = Graph(size)
    g.op("MatMul", ["a", g.weight("b", [size, size], 1.0)], ["c"])
    model = g.model("sgemm", [tensor("a", TensorProto.FLOAT, [size, size])],
                    [tensor("c", TensorProto.FLOAT, [size, size])])
    check(model)
    save_model(model, path)


def make_resnet(directory: Path) -> float:
    model = resnet50()
    check(model)
    flops = flops_per_image(model)
    save_model(model, directory / "onnx" / "model.onnx")
    (directory / "config.json").write_text(json.dumps({"model_type": "resnet",
                                                       "note": "random weights, for benchmarks only"}) + "\n")
    return flops


# ----------------------------------------------------------------------------------------------------------------
# Images
# ----------------------------------------------------------------------------------------------------------------

SIZES = [(640, 480), (800, 600), (1024, 768), (480, 640), (600, 800), (768, 1024), (1024, 683), (960, 720),
         (720, 960), (900, 675)]


def photo(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """Something with a photo's statistics for a JPEG codec: smooth light, objects, edges, texture, noise."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = rng.uniform(40, 200, 3).astype(np.float32)
    slope = rng.uniform(-0.15, 0.15, (3, 2)).astype(np.float32)
    freq = rng.uniform(0.01, 0.08, 2).astype(np.float32)
    channels = []
    for c in range(3):
        plane = base[c] + slope[c, 0] * x + slope[c, 1] * y
        plane += 25 * np.sin(x * freq[0] + c) * np.cos(y * freq[1] - c)
        channels.append(plane)
    image = Image.fromarray(np.clip(np.stack(channels, -1), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(15, 40))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(10, width // 3)), y0 + int(rng.integers(10, height // 3))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        elif shape == 1:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.line((x0, y0, x1, y1), fill=colour, width=int(rng.integers(1, 6)))
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.5))))
    pixels = np.asarray(image, dtype=np.float32)
    texture = rng.standard_normal((height // 4 + 1, width // 4 + 1, 1)).astype(np.float32)
    texture = np.repeat(np.repeat(texture, 4, 0), 4, 1)[:height, :width] * 6
    noise = rng.standard_normal(pixels.shape).astype(np.float32) * float(rng.uniform(2, 6))
    return Image.fromarray(np.clip(pixels + texture + noise, 0, 255).astype(np.uint8))


def make_images(directory: Path, count: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        target = directory / f"img_{i:04d}.jpg"
        if target.exists():
            continue
        rng = np.random.default_rng(10_000 + i)
        width, height = SIZES[i % len(SIZES)]
        tmp = target.with_suffix(".tmp")
        photo(width, height, rng).save(tmp, "JPEG", quality=int(rng.integers(80, 96)),
                                       progressive=bool(i % 7 == 0))
        tmp.replace(target)
        if (i + 1) % 100 == 0:
            print(f"[assets] {i + 1}/{count} images", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache", type=Path)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--resnet", action="store_true", help="also make ResNet50")
    args = parser.parse_args()
    cache: Path = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    manifest_path = cache / "assets.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if manifest.get("version") != VERSION:
        manifest = {"version": VERSION, "models": {}}
    models = manifest["models"]
    wanted = {"clip-vit-b32": make_clip}
    if args.resnet:
        wanted["resnet50"] = make_resnet
    for name, make in wanted.items():
        directory = cache / "models" / name
        if name in models and all((directory / f).exists() for f in models[name]["files"]):
            continue
        print(f"[assets] building {name} (random weights, full size) ...", flush=True)
        flops = make(directory)
        files = sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())
        models[name] = {"directory": str(directory), "flopsPerImage": flops, "files": files}
        manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
        print(f"[assets] {name}: {flops / 1e9:.3f} GFLOPs per image (counted from the graph)", flush=True)
    manifest["sgemm"] = []
    for size in SGEMM_SIZES:
        path = cache / "models" / f"sgemm-{size}-v2.onnx"
        if not path.exists():
            make_sgemm(path, size)
        manifest["sgemm"].append({"file": str(path), "size": size})
    make_images(cache / "images", args.images)
    manifest["images"] = {"directory": str(cache / "images"), "count": args.images}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

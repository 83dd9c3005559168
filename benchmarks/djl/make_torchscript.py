#!/usr/bin/env python3
"""Adds a TorchScript export next to each ONNX model that benchmarks/onnx/make_assets.py made, with the same weights,
so that the DJL PyTorch engine runs exactly the model embedders-onnx and DJL's ONNX Runtime engine run:

  <cache>/models/clip-vit-b32/torchscript/vision_model.pt + text_model.pt (the tiny committed test text tower)
  <cache>/models/resnet50/torchscript/model.pt

The torch modules rebuild each graph operator by operator from the ONNX initialisers (CLIP ViT-B/32's image tower:
patch conv, class token, positions, pre-LayerNorm, 12 pre-norm layers with softmax attention and quick_gelu, post-
LayerNorm of the class token, projection; ResNet50 with BatchNorm folded into conv biases), are scripted (dynamic
batch), frozen and optimised for inference where the result loads back (torch.jit.freeze + optimize_for_inference),
and return the ONNX outputs as a dict. ResNet50's weights are stored channels_last: LibTorch then runs every
convolution in oneDNN's NHWC kernels (measured 0.37x -> 0.62x of onnxruntime's speed with 2 threads, the same
numbers to a cosine of 0.9999999); contiguous NCHW weights go through its much slower generic path. Each export is checked against onnxruntime on the ONNX file (cosine of
the embeddings of random inputs >= 0.9999).

Usage: make_torchscript.py <cache-dir>   (idempotent)
"""
from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Dict

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from torch import nn

REPO = Path(__file__).resolve().parents[2]
TEST_CLIP_TEXT = REPO / "embedders-djl" / "src" / "test" / "resources" / "models" / "clip" / "torchscript" / "text_model.pt"


def weights(onnx_file: Path) -> Dict[str, torch.Tensor]:
    model = onnx.load(str(onnx_file))
    return {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}


def param(t: torch.Tensor) -> nn.Parameter:
    return nn.Parameter(t, requires_grad=False)


class Linear(nn.Module):
    """x @ W + b with W stored [in, out], as the ONNX MatMul has it."""

    def __init__(self, w: Dict[str, torch.Tensor], name: str):
        super().__init__()
        self.weight = param(w[f"{name}.weight"].t().contiguous())  # F.linear takes [out, in]
        self.bias = param(w[f"{name}.bias"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class LayerNorm(nn.Module):
    def __init__(self, w: Dict[str, torch.Tensor], name: str):
        super().__init__()
        self.weight = param(w[f"{name}.weight"])
        self.bias = param(w[f"{name}.bias"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class EncoderLayer(nn.Module):
    def __init__(self, w: Dict[str, torch.Tensor], p: str, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = LayerNorm(w, f"{p}.layer_norm1"), LayerNorm(w, f"{p}.layer_norm2")
        self.q, self.k, self.v = (Linear(w, f"{p}.self_attn.{n}_proj") for n in "qkv")
        self.out = Linear(w, f"{p}.self_attn.out_proj")
        self.fc1, self.fc2 = Linear(w, f"{p}.mlp.fc1"), Linear(w, f"{p}.mlp.fc2")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, t, width = x.shape
        d = width // self.heads
        h = self.ln1(x)
        q = self.q(h).view(n, t, self.heads, d).transpose(1, 2)
        k = self.k(h).view(n, t, self.heads, d).transpose(1, 2)
        v = self.v(h).view(n, t, self.heads, d).transpose(1, 2)
        attn = torch.softmax((q * (d ** -0.5)) @ k.transpose(-1, -2), dim=-1)
        x = x + self.out((attn @ v).transpose(1, 2).reshape(n, t, width))
        h = self.fc1(self.ln2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))


class ClipVision(nn.Module):
    def __init__(self, w: Dict[str, torch.Tensor], layers=12, heads=12):
        super().__init__()
        self.patch = param(w["embeddings.patch_embedding.weight"])
        self.cls = param(w["embeddings.class_embedding"])
        self.pos = param(w["embeddings.position_embedding"])
        self.pre = LayerNorm(w, "pre_layrnorm")
        self.layers = nn.ModuleList([EncoderLayer(w, f"encoder.layers.{i}", heads) for i in range(layers)])
        self.post = LayerNorm(w, "post_layernorm")
        self.proj = param(w["visual_projection.weight"])

    def forward(self, pixel_values: torch.Tensor) -> Dict[str, torch.Tensor]:
        x = F.conv2d(pixel_values, self.patch, stride=self.patch.shape[-1]).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        x = self.pre(x)
        for layer in self.layers:
            x = layer(x)
        return {"image_embeds": self.post(x[:, 0]) @ self.proj, "last_hidden_state": x}


class Conv(nn.Module):
    def __init__(self, w: Dict[str, torch.Tensor], name: str, stride: int, relu: bool):
        super().__init__()
        self.weight = param(w[f"{name}.weight"])
        self.bias = param(w[f"{name}.bias"])
        self.stride, self.pad, self.relu = stride, self.weight.shape[-1] // 2, relu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.pad)
        return torch.relu(y) if self.relu else y


class Bottleneck(nn.Module):
    def __init__(self, w, p: str, stride: int, downsample: bool):
        super().__init__()
        self.c1, self.c2 = Conv(w, f"{p}.conv1", 1, True), Conv(w, f"{p}.conv2", stride, True)
        self.c3 = Conv(w, f"{p}.conv3", 1, False)
        self.down = Conv(w, f"{p}.downsample", stride, False) if downsample else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.c3(self.c2(self.c1(x))) + self.down(x))


class ResNet50(nn.Module):
    def __init__(self, w: Dict[str, torch.Tensor]):
        super().__init__()
        self.conv1 = Conv(w, "conv1", 2, True)
        blocks = []
        for stage, count in enumerate([3, 4, 6, 3], start=1):
            for b in range(count):
                blocks.append(Bottleneck(w, f"layer{stage}.{b}", 2 if b == 0 and stage > 1 else 1, b == 0))
        self.blocks = nn.Sequential(*blocks)

    def forward(self, pixel_values: torch.Tensor) -> Dict[str, torch.Tensor]:
        x = F.max_pool2d(self.conv1(pixel_values), 3, 2, 1)
        x = self.blocks(x)
        return {"last_hidden_state": x, "pooler_output": x.mean(dim=(2, 3), keepdim=True)}


def export(module: nn.Module, onnx_file: Path, pt: Path, output: str, channels_last: bool = False) -> None:
    if pt.exists():
        print(f"[torchscript] {pt} exists")
        return
    module.eval()
    if channels_last:
        module.to(memory_format=torch.channels_last)
    pt.parent.mkdir(parents=True, exist_ok=True)
    tmp = pt.with_suffix(".tmp")
    x = torch.randn(2, 3, 224, 224)
    theirs = ort.InferenceSession(str(onnx_file)).run([output], {"pixel_values": x.numpy()})[0].reshape(2, -1)
    # As TorchScript exports for serving are made: frozen (weights folded in as constants) and optimised for
    # inference (convolutions pre-packed for oneDNN; about 2x faster for ResNet50 on LibTorch's CPU kernels). Not
    # every optimised graph can be saved and loaded again (CLIP's cannot in torch 2.7.1): then frozen only, then plain.
    variants = {"frozen + optimize_for_inference": lambda m: torch.jit.optimize_for_inference(torch.jit.freeze(m)),
                "frozen": torch.jit.freeze, "scripted": lambda m: m}
    for name, make in variants.items():
        try:
            make(torch.jit.script(module)).save(str(tmp))
            with torch.no_grad():
                ours = torch.jit.load(str(tmp))(x)[output].reshape(2, -1).numpy()
        except RuntimeError as e:
            print(f"[torchscript] {pt.name}: {name} does not load back ({str(e).splitlines()[0]}); next variant")
            continue
        cos = min(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) for a, b in zip(ours, theirs))
        print(f"[torchscript] {pt.name} ({name}): min cosine vs onnxruntime on the ONNX file {cos:.7f}")
        if not cos >= 0.9999:
            raise SystemExit(f"TorchScript export of {onnx_file} disagrees with it (cosine {cos})")
        tmp.replace(pt)
        print(f"[torchscript] wrote {pt} ({pt.stat().st_size / 1e6:.0f} MB)")
        return
    raise SystemExit(f"no TorchScript variant of {onnx_file} loads back")


def main(cache: Path) -> int:
    clip = cache / "models" / "clip-vit-b32"
    if (clip / "onnx" / "vision_model.onnx").exists():
        export(ClipVision(weights(clip / "onnx" / "vision_model.onnx")), clip / "onnx" / "vision_model.onnx",
               clip / "torchscript" / "vision_model.pt", "image_embeds")
        # the benchmark embeds images only; a CLIP embedder needs a text tower, the tiny committed one
        (clip / "torchscript" / "text_model.pt").write_bytes(TEST_CLIP_TEXT.read_bytes())
    resnet = cache / "models" / "resnet50"
    if (resnet / "onnx" / "model.onnx").exists():
        export(ResNet50(weights(resnet / "onnx" / "model.onnx")), resnet / "onnx" / "model.onnx",
               resnet / "torchscript" / "model.pt", "pooler_output", channels_last=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

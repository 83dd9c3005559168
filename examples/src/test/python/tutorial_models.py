"""The tutorials' model functions on the tiny test models, for the Python-interop tests of examples/.

The tutorials embed with PyTorch models ("Text to Image Search with Milvus": OpenAI CLIP ViT-B/32 through `clip`;
"Image Search with Milvus": torchvision's ResNet50 without its classifier). Here the same functions run the tiny
ONNX test models of embedders-onnx (embedders-onnx/src/test/resources/models/) through onnxruntime, with the image
module's reference preprocessing (image/src/test/python/make_preprocess_reference.py, imported, not copied: Pillow
+ numpy line by line as OpenAI CLIP and torchvision do it) and the model's tokenizer.json (77 tokens, cut keeping
the end token, padded with 0, as clip.tokenize(..., truncate=True) does). Only the functions change; the Milvus
code of each tutorial script is the tutorial's.
"""
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image
from tokenizers import Tokenizer

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "image" / "src" / "test" / "python"))
import make_preprocess_reference as pre  # noqa: E402

MODELS = REPO / "embedders-onnx" / "src" / "test" / "resources" / "models"
CONTEXT_LENGTH = 77


def _session(path: Path) -> ort.InferenceSession:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _pixels(recipe: str, image: Image.Image) -> np.ndarray:
    rgb = np.asarray(pre.RECIPES[recipe][0](image), dtype=np.uint8)
    return pre.tensor_of(recipe, rgb).astype(np.float32)


class Clip:
    """CLIP as the text-to-image tutorial uses it: encode_image and encode_text, both L2-normalised lists."""

    def __init__(self, model_dir: Path = MODELS / "clip"):
        self.vision = _session(model_dir / "onnx" / "vision_model.onnx")
        self.text = _session(model_dir / "onnx" / "text_model.onnx")
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))

    def preprocess(self, image: Image.Image) -> np.ndarray:
        return _pixels("openai-clip-224", image)

    def encode_image(self, image_path) -> list:
        with Image.open(image_path) as image:
            x = self.preprocess(image)[None]
        y = self.vision.run(["image_embeds"], {"pixel_values": x})[0][0]
        return (y / np.linalg.norm(y)).tolist()

    def tokenize(self, text: str):
        ids = self.tokenizer.encode(text).ids
        if len(ids) > CONTEXT_LENGTH:
            ids = ids[:CONTEXT_LENGTH - 1] + ids[-1:]
        row = np.zeros((1, CONTEXT_LENGTH), dtype=np.int64)
        row[0, :len(ids)] = ids
        mask = np.zeros_like(row)
        mask[0, :len(ids)] = 1
        return row, mask

    def encode_text(self, text: str) -> list:
        ids, mask = self.tokenize(text)
        y = self.text.run(["text_embeds"], {"input_ids": ids, "attention_mask": mask})[0][0]
        return (y / np.linalg.norm(y)).tolist()


class ResNet50:
    """torchvision's ResNet50 without its last layer, as the paintings tutorial uses it: 2048-d pooled features."""

    def __init__(self, model_dir: Path = MODELS / "resnet50"):
        self.session = _session(model_dir / "onnx" / "model.onnx")

    def preprocess(self, image: Image.Image) -> np.ndarray:
        """transforms.Compose([Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet mean, std)])."""
        return _pixels("torchvision-imagenet-224", image)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """model(torch.stack(batch)): shape (n, 2048, 1, 1)."""
        return self.session.run(["pooler_output"], {"pixel_values": np.asarray(batch, dtype=np.float32)})[0]

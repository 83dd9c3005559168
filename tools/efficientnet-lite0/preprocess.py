"""The preprocessing of the Python reference, written as the Java SDK's ImageRecipe computes it (torchvision
semantics on Pillow), so Java can reproduce it exactly:

  1. Image.open(path).convert("RGB")
  2. resize the shortest side to S, the long side to int(S * long / short) (torchvision Resize(int)), with
     Image.resize((w, h), filter) (no reducing_gap)          -- or, for "squash" recipes, straight to 224x224
  3. centre crop 224x224, offsets int(round((h - 224) / 2.0)) and int(round((w - 224) / 2.0)) (half to even)
  4. float32 (value / divisor - mean) / std per channel, RGB, CHW

The chosen recipe is RECIPES["shortest224-bicubic-crop224"]: S = 224, BICUBIC, crop 224, (x - 127) / 128.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

SIZE = 224


@dataclass(frozen=True)
class Recipe:
    name: str
    shortest: int | None  # None: resize straight to SIZE x SIZE (no crop)
    resample: int
    divisor: float
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


TF = dict(divisor=1.0, mean=(127.0, 127.0, 127.0), std=(128.0, 128.0, 128.0))
RECIPES = {r.name: r for r in [
    Recipe("shortest256-bicubic-crop224", 256, Image.BICUBIC, **TF),
    Recipe("shortest224-bicubic-crop224", 224, Image.BICUBIC, **TF),
    Recipe("squash224-bicubic", None, Image.BICUBIC, **TF),
    Recipe("shortest256-bilinear-crop224", 256, Image.BILINEAR, **TF),
    Recipe("shortest256-bicubic-crop224-imagenet-meanstd", 256, Image.BICUBIC, divisor=255.0,
           mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)),
]}
CHOSEN = RECIPES["shortest224-bicubic-crop224"]

# scikit-image's colour sample photos that ship in its wheel (skimage/data), by name.
SAMPLE_PHOTOS = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg", "motorcycle_left.png",
                 "hubble_deep_field.jpg", "retina.jpg", "ihc.png", "camera.png", "horse.png"]


def sample_photo_paths() -> list[Path]:
    import skimage.data
    root = Path(skimage.data.__file__).parent
    return [root / n for n in SAMPLE_PHOTOS if (root / n).is_file()]


def resized_size(w: int, h: int, shortest: int) -> tuple[int, int]:
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = shortest, int(shortest * long / short)
    return (new_short, new_long) if w <= h else (new_long, new_short)


def crop_image(img: Image.Image, recipe: Recipe = CHOSEN) -> Image.Image:
    """Steps 1-3: the 224x224 RGB image the model sees."""
    img = img.convert("RGB")
    if recipe.shortest is None:
        return img.resize((SIZE, SIZE), recipe.resample)
    img = img.resize(resized_size(*img.size, recipe.shortest), recipe.resample)
    w, h = img.size
    top = int(round((h - SIZE) / 2.0))
    left = int(round((w - SIZE) / 2.0))
    return img.crop((left, top, left + SIZE, top + SIZE))


def normalise(rgb: np.ndarray, recipe: Recipe = CHOSEN) -> np.ndarray:
    """Step 4: HWC uint8 -> CHW float32, (v / divisor - mean) / std in float32 as the Java LUT does."""
    x = rgb.astype(np.float32) / np.float32(recipe.divisor)
    mean = np.asarray(recipe.mean, dtype=np.float32)
    std = np.asarray(recipe.std, dtype=np.float32)
    return np.ascontiguousarray(((x - mean) / std).transpose(2, 0, 1))


def preprocess(path, recipe: Recipe = CHOSEN) -> np.ndarray:
    with Image.open(path) as img:
        return normalise(np.asarray(crop_image(img, recipe)), recipe)

#!/usr/bin/env python3
"""Makes the JPEGs of the reduced-size decoding benchmark (DraftBench.java): phone-size 12-megapixel photos
(4000x3000, and one 3000x4000 portrait) and 640x480 ones, from scikit-image's sample photos.

Each photo is scaled (Lanczos) to cover the target size, centre-cropped, given a light sensor-like grain (Gaussian,
sigma 5 levels, so that the file has the high-frequency content of a real 12 MP photo rather than of a smooth
upscale) and saved with Pillow at quality 90 (4:2:0, baseline), as cameras and phones save. Deterministic (seeded).

Usage: make_photos.py OUT_DIR   (writes OUT_DIR/12mp/*.jpg and OUT_DIR/vga/*.jpg)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import skimage.data
from PIL import Image

SOURCES = ["astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "retina"]


def cover(image: Image.Image, width: int, height: int) -> Image.Image:
    scale = max(width / image.width, height / image.height)
    size = (max(width, round(image.width * scale)), max(height, round(image.height * scale)))
    big = image.resize(size, Image.Resampling.LANCZOS)
    left = (big.width - width) // 2
    top = (big.height - height) // 2
    return big.crop((left, top, left + width, top + height))


def grain(image: Image.Image, seed: int, sigma: float) -> Image.Image:
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.float32)
    noisy = pixels + rng.normal(0.0, sigma, size=pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(np.rint(noisy), 0, 255).astype(np.uint8))


def main() -> None:
    out = Path(sys.argv[1])
    for sub in ("12mp", "vga"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(SOURCES):
        photo = Image.fromarray(getattr(skimage.data, name)()).convert("RGB")
        w, h = (3000, 4000) if i == 1 else (4000, 3000)
        grain(cover(photo, w, h), i, 5.0).save(out / "12mp" / f"{name}_{w}x{h}.jpg", quality=90)
        grain(cover(photo, 640, 480), i, 5.0).save(out / "vga" / f"{name}_640x480.jpg", quality=90)
    total = sum(p.stat().st_size for p in (out / "12mp").iterdir())
    print(f"{len(SOURCES)} 12 MP photos ({total / 1e6:.1f} MB) and {len(SOURCES)} 640x480 ones in {out}")


if __name__ == "__main__":
    main()

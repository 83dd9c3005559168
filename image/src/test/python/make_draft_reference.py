#!/usr/bin/env python3
"""Makes the fixtures of the reduced-size JPEG decoding test (dev.imgsearch.image.JpegScaledDecoderTest).

Pillow's `Image.draft("RGB", size)` makes libjpeg-turbo decode a JPEG at 1/2, 1/4 or 1/8 of its size in the DCT
domain (`scale_denom`); the Java scaled decoder (JpegScaledDecoder) reimplements that. This script:

1. writes a few small JPEGs that the other fixtures do not cover into image/src/test/resources/images/draft/:
   4:4:4, 4:2:2 (baseline and progressive), 4:2:0 with restart markers, quality 100 (large coefficients), odd sizes;
2. decodes each test JPEG (those and the committed photo_640x480.jpg, portrait_300x500_progressive.jpg,
   gray_220x330.jpg) with `draft` at each scale and saves the result as a PNG under
   image/src/test/resources/draft-reference/<image stem>_s<scale>.png, with a manifest.json of sizes and versions.

The Java test compares its output with these PNGs and reports the maximum and mean absolute differences.

Usage (from the repository root, with the pinned Pillow of requirements.txt):
    python3 -m venv .venv && .venv/bin/pip install -r image/src/test/python/requirements.txt
    .venv/bin/python image/src/test/python/make_draft_reference.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, features

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_preprocess_reference import scene  # noqa: E402  (the same deterministic test pictures)

CORE = Path(__file__).resolve().parents[3]
IMAGES = CORE / "src" / "test" / "resources" / "images"
DRAFT_IMAGES = IMAGES / "draft"
REFERENCE = CORE / "src" / "test" / "resources" / "draft-reference"
SCALES = (2, 4, 8)


def textured(width: int, height: int, seed: int) -> Image.Image:
    """The scene with fine noise on top, so that high-frequency coefficients are not zero."""
    rng = np.random.default_rng(seed)
    base = np.asarray(scene(width, height, seed), dtype=np.int16)
    noise = rng.integers(-24, 25, size=base.shape, dtype=np.int16)
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))


def make_images() -> list[Path]:
    DRAFT_IMAGES.mkdir(parents=True, exist_ok=True)
    made = {
        "s444_301x203.jpg": (textured(301, 203, 21), dict(quality=92, subsampling=0)),
        "s422_333x251.jpg": (textured(333, 251, 22), dict(quality=90, subsampling=1)),
        "s422_progressive_257x193.jpg": (textured(257, 193, 23), dict(quality=85, subsampling=1, progressive=True)),
        "s420_restart_399x301.jpg": (textured(399, 301, 24), dict(quality=90, subsampling=2,
                                                                   restart_marker_blocks=5)),
        "s420_q100_123x77.jpg": (textured(123, 77, 25), dict(quality=100, subsampling=2)),
    }
    paths = []
    for name, (image, params) in made.items():
        path = DRAFT_IMAGES / name
        image.save(path, **params)
        paths.append(path)
    return paths


def main() -> None:
    inputs = [IMAGES / "photo_640x480.jpg", IMAGES / "portrait_300x500_progressive.jpg",
              IMAGES / "gray_220x330.jpg"] + make_images()
    REFERENCE.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in inputs:
        for scale in SCALES:
            with Image.open(path) as image:
                width, height = image.size
                mode = "L" if image.mode == "L" else "RGB"
                # the request Pillow turns into exactly this scale: min(w // rw, h // rh) rounds down to it
                image.draft(mode, (width // scale, height // scale))
                image.load()
                expected = ((width + scale - 1) // scale, (height + scale - 1) // scale)
                assert image.size == expected, (path.name, scale, image.size, expected)
                out = REFERENCE / f"{path.stem}_s{scale}.png"
                image.save(out, optimize=True)
                entries.append({"image": str(path.relative_to(IMAGES)), "scale": scale, "mode": image.mode,
                                "size": list(image.size), "reference": out.name})
    manifest = {
        "pillow": PIL.__version__,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "numpy": np.__version__,
        "entries": entries,
    }
    (REFERENCE / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{len(entries)} references in {REFERENCE}")


if __name__ == "__main__":
    main()

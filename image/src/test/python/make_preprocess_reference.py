#!/usr/bin/env python3
"""Makes the fixtures of the preprocessing parity test (dev.imgsearch.image.PreprocessParityTest).

1. Generates the test images deterministically into image/src/test/resources/images/: several sizes and aspect
   ratios, JPEG (baseline, progressive, CMYK, grayscale), PNG (RGB, RGBA, L, LA, palette), BMP, GIF, TIFF, WebP.
2. Runs each model family's reference preprocessing on each image with Pillow + numpy, mirroring exactly what
   the reference code does (OpenAI CLIP's `clip.load(...)[1]`, cn_clip's `image_transform`, torchvision's
   ImageNet `Resize(256)/CenterCrop(224)/ToTensor/Normalize` on `Image.open(p).convert("RGB")`, Keras'
   `load_img(p, target_size=(224, 224))` + `vgg16.preprocess_input`). torchvision and Keras are not needed: their
   PIL-image operations are a few lines, reproduced below with the same arithmetic (float32, same order).
3. Writes, per recipe and image, the uint8 RGB image that the reference feeds to ToTensor (after resize, crop and
   RGB conversion) as a PNG under image/src/test/resources/preprocess-reference/<recipe>/<image>.png, and a
   manifest.json with each float32 CHW tensor's SHA-256 and the normalisation constants. The float tensor is a
   pure function of those uint8 pixels, so storing the pixels (a few KB as PNG) instead of the floats (600 KB
   each) loses nothing: the Java test rebuilds the float tensor and checks its SHA-256 against the manifest.

Usage (from the repository root):
    python3 -m venv .venv && .venv/bin/pip install -r image/src/test/python/requirements.txt
    .venv/bin/python image/src/test/python/make_preprocess_reference.py
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageDraw

CORE = Path(__file__).resolve().parents[3]
IMAGES = CORE / "src" / "test" / "resources" / "images"
REFERENCE = CORE / "src" / "test" / "resources" / "preprocess-reference"

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


# --------------------------------------------------------------------------------------------------------------
# Test images
# --------------------------------------------------------------------------------------------------------------

def scene(width: int, height: int, seed: int) -> Image.Image:
    """An RGB picture with gradients, a smooth texture, hard edges, thin lines and small details."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 30 + 200 * x / max(width - 1, 1)
    g = 20 + 210 * y / max(height - 1, 1)
    b = 128 + 90 * np.sin(x / 9.0 + seed) * np.cos(y / 13.0)
    pixels = np.clip(np.stack([r, g, b], axis=-1), 0, 255).round().astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(10):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1 = min(width - 1, x0 + rng.randrange(4, max(5, width // 3)))
        y1 = min(height - 1, y0 + rng.randrange(4, max(5, height // 3)))
        color = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=color)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=color, outline=(255, 255, 255))
    for _ in range(8):
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(2)]
        draw.line(points, fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.choice((1, 1, 2, 3)))
    # a small checkerboard: the hardest case for resampling
    cx, cy, cell = width // 5, height // 5, max(1, min(width, height) // 40)
    for i in range(8):
        for j in range(8):
            if (i + j) % 2 == 0:
                draw.rectangle((cx + i * cell, cy + j * cell, cx + (i + 1) * cell - 1, cy + (j + 1) * cell - 1),
                               fill=(0, 0, 0))
    return image


def with_alpha(image: Image.Image, seed: int) -> Image.Image:
    """Adds an alpha channel that varies: a horizontal ramp, a fully transparent hole and an opaque band."""
    width, height = image.size
    y, x = np.mgrid[0:height, 0:width]
    alpha = (255 * x / max(width - 1, 1)).astype(np.float64)
    alpha[(np.abs(x - width * 0.6) < width * 0.12) & (np.abs(y - height * 0.5) < height * 0.2)] = 0
    alpha[: height // 6, :] = 255
    alpha = (alpha + 60 * np.sin(y / 5.0 + seed)).clip(0, 255).astype(np.uint8)
    rgba = image.convert("RGBA")
    rgba.putalpha(Image.fromarray(alpha))
    return rgba


def png_16bit_rgb(image: Image.Image) -> bytes:
    """A 16-bit-per-sample RGB PNG (Pillow cannot write one): each sample v becomes v * 257 + noise in the low byte."""
    rgb = np.asarray(image, dtype=np.uint16)
    low = (np.arange(rgb.size, dtype=np.uint32).reshape(rgb.shape) * 37 % 256).astype(np.uint16)
    samples = (rgb << 8 | low).astype(">u2")
    height, width, _ = samples.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + samples[y].tobytes() for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def save(image: Image.Image, name: str, **params) -> None:
    image.save(IMAGES / name, **params)


def make_images() -> None:
    if IMAGES.exists():
        shutil.rmtree(IMAGES)
    IMAGES.mkdir(parents=True)
    save(scene(640, 480, 1), "photo_640x480.jpg", quality=90)
    save(scene(300, 500, 2), "portrait_300x500_progressive.jpg", quality=88, progressive=True)
    save(scene(240, 180, 3).convert("CMYK"), "cmyk_240x180.jpg", quality=92)
    # Pillow cannot write YCCK: flip the Adobe APP14 transform flag of a CMYK JPEG from 0 (CMYK) to 2 (YCCK), so
    # the same coded data is read as YCCK (decoders convert it YCC -> RGB -> CMYK). Colours are odd, values exact.
    cmyk = (IMAGES / "cmyk_240x180.jpg").read_bytes()
    transform = cmyk.index(b"Adobe") + 11  # APP14 payload: "Adobe", version(2), flags0(2), flags1(2), transform
    assert cmyk[transform] == 0
    (IMAGES / "ycck_240x180.jpg").write_bytes(cmyk[:transform] + b"\x02" + cmyk[transform + 1:])
    save(scene(220, 330, 4).convert("L"), "gray_220x330.jpg", quality=90)
    save(scene(257, 193, 5).convert("L"), "gray_257x193.png")
    save(with_alpha(scene(320, 240, 6), 6), "rgba_320x240.png")
    save(with_alpha(scene(160, 120, 7), 7).convert("LA"), "gray_alpha_160x120.png")
    save(scene(1000, 120, 8), "wide_1000x120.png")
    save(scene(50, 37, 9), "small_50x37.png")
    save(scene(200, 150, 10).quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE),
         "palette_200x150.png")
    save(scene(123, 77, 11), "rgb_123x77.bmp")
    save(scene(150, 100, 12).quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE),
         "palette_150x100.gif")
    save(scene(180, 120, 13), "rgb_180x120.tif", compression="tiff_lzw")
    # a GIF whose palette is the identity gray ramp: Pillow opens it in mode "L" (resized with the asked filter)
    save(scene(90, 60, 16).convert("L"), "gray_palette_90x60.gif", optimize=False)
    (IMAGES / "rgb16_64x48.png").write_bytes(png_16bit_rgb(scene(64, 48, 17)))
    save(scene(160, 120, 14), "lossless_160x120.webp", lossless=True)
    save(scene(160, 120, 15), "lossy_160x120.webp", quality=85)
    # two frames of different colours: decoders must return the first one
    first = Image.new("RGB", (64, 48), (220, 30, 30))
    second = Image.new("RGB", (64, 48), (30, 30, 220))
    first.save(IMAGES / "two_frames_64x48.gif", save_all=True, append_images=[second], duration=100, loop=0)
    first.save(IMAGES / "two_pages_64x48.tif", save_all=True, append_images=[second], compression="tiff_lzw")
    (IMAGES / "not_an_image.txt").write_text("This is a text file, not an image.\n")
    (IMAGES / "vector.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n')


# The images of the parity matrix, and which recipes each is checked with.
ALL_RECIPES = ("openai-clip-224", "chinese-clip-224", "torchvision-imagenet-224", "keras-vgg16-224")
PARITY_IMAGES = {
    "photo_640x480.jpg": ALL_RECIPES,
    "portrait_300x500_progressive.jpg": ALL_RECIPES,
    "cmyk_240x180.jpg": ALL_RECIPES,
    "ycck_240x180.jpg": ("openai-clip-224", "keras-vgg16-224"),
    "gray_220x330.jpg": ALL_RECIPES,
    "gray_257x193.png": ALL_RECIPES,
    "rgba_320x240.png": ALL_RECIPES,
    "gray_alpha_160x120.png": ALL_RECIPES,
    "wide_1000x120.png": ALL_RECIPES,
    "small_50x37.png": ALL_RECIPES,
    "palette_200x150.png": ALL_RECIPES,
    "rgb_123x77.bmp": ("openai-clip-224",),
    "palette_150x100.gif": ("openai-clip-224",),
    "rgb_180x120.tif": ("openai-clip-224",),
    "gray_palette_90x60.gif": ("openai-clip-224",),
    "rgb16_64x48.png": ("openai-clip-224",),
    "lossless_160x120.webp": ("openai-clip-224",),
    "lossy_160x120.webp": ("openai-clip-224",),
}


# --------------------------------------------------------------------------------------------------------------
# Reference preprocessing: the PIL-image code paths of torchvision.transforms and keras.utils, line by line
# --------------------------------------------------------------------------------------------------------------

def tv_resize_shorter(image: Image.Image, size: int, resample: int) -> Image.Image:
    """torchvision.transforms.Resize(size) with an int on a PIL image (_compute_resized_output_size + img.resize)."""
    w, h = image.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) == (w, h):
        return image
    return image.resize((new_w, new_h), resample)


def tv_resize_exact(image: Image.Image, width: int, height: int, resample: int) -> Image.Image:
    """torchvision.transforms.Resize((h, w)) on a PIL image."""
    if image.size == (width, height):
        return image
    return image.resize((width, height), resample)


def tv_center_crop(image: Image.Image, size: int) -> Image.Image:
    """torchvision.transforms.CenterCrop(size) on a PIL image that is at least size x size."""
    w, h = image.size
    assert w >= size and h >= size
    top = int(round((h - size) / 2.0))
    left = int(round((w - size) / 2.0))
    return image.crop((left, top, left + size, top + size))


def openai_clip(image: Image.Image) -> Image.Image:
    # clip/clip.py _transform: Resize(n_px, BICUBIC), CenterCrop(n_px), _convert_image_to_rgb, ToTensor, Normalize
    image = tv_resize_shorter(image, 224, Image.Resampling.BICUBIC)
    image = tv_center_crop(image, 224)
    return image.convert("RGB")


def chinese_clip(image: Image.Image) -> Image.Image:
    # cn_clip/clip/utils.py image_transform: Resize((224, 224), BICUBIC), _convert_to_rgb, ToTensor, Normalize
    image = tv_resize_exact(image, 224, 224, Image.Resampling.BICUBIC)
    return image.convert("RGB")


def torchvision_imagenet(image: Image.Image) -> Image.Image:
    # torchvision ImageFolder's loader converts to RGB first; then Resize(256) (bilinear, antialiased), CenterCrop(224)
    image = image.convert("RGB")
    image = tv_resize_shorter(image, 256, Image.Resampling.BILINEAR)
    return tv_center_crop(image, 224)


def keras_vgg16(image: Image.Image) -> Image.Image:
    # keras.utils.load_img(path, target_size=(224, 224)): convert("RGB") if needed, then resize with NEAREST
    if image.mode != "RGB":
        image = image.convert("RGB")
    return tv_resize_exact(image, 224, 224, Image.Resampling.NEAREST)


def torch_tensor(rgb: np.ndarray, mean, std) -> np.ndarray:
    """ToTensor (float32 / 255) then Normalize ((x - mean) / std), all in float32 as torch computes it."""
    t = rgb.astype(np.float32).transpose(2, 0, 1) / np.float32(255)
    return (t - np.asarray(mean, dtype=np.float32)[:, None, None]) / np.asarray(std, dtype=np.float32)[:, None, None]


def caffe_tensor(rgb: np.ndarray) -> np.ndarray:
    """keras img_to_array (float32 HWC) then vgg16.preprocess_input (caffe: RGB->BGR, minus the BGR means)."""
    x = rgb.astype(np.float32)[..., ::-1].copy()
    for c, m in enumerate(CAFFE_MEAN_BGR):
        x[..., c] -= m
    return x.transpose(2, 0, 1)


RECIPES = {
    "openai-clip-224": (openai_clip, {"kind": "torch", "order": "RGB", "mean": CLIP_MEAN, "std": CLIP_STD}),
    "chinese-clip-224": (chinese_clip, {"kind": "torch", "order": "RGB", "mean": CLIP_MEAN, "std": CLIP_STD}),
    "torchvision-imagenet-224": (torchvision_imagenet,
                                 {"kind": "torch", "order": "RGB", "mean": IMAGENET_MEAN, "std": IMAGENET_STD}),
    "keras-vgg16-224": (keras_vgg16, {"kind": "caffe", "order": "BGR", "mean": CAFFE_MEAN_BGR}),
}


def tensor_of(recipe: str, rgb: np.ndarray) -> np.ndarray:
    params = RECIPES[recipe][1]
    if params["kind"] == "torch":
        return torch_tensor(rgb, params["mean"], params["std"])
    return caffe_tensor(rgb)


# Plain Image.resize cases, compared byte for byte by ResizeParityTest: (image, width, height, filter).
RESIZE_CASES = [
    ("small_50x37.png", 150, 111, "BICUBIC"),
    ("small_50x37.png", 17, 9, "BICUBIC"),
    ("small_50x37.png", 120, 37, "BICUBIC"),
    ("small_50x37.png", 33, 100, "BILINEAR"),
    ("small_50x37.png", 3, 3, "BILINEAR"),
    ("small_50x37.png", 101, 7, "NEAREST"),
    ("small_50x37.png", 50, 74, "NEAREST"),
    ("wide_1000x120.png", 7, 1, "BICUBIC"),
    ("wide_1000x120.png", 1000, 1, "BILINEAR"),
    ("wide_1000x120.png", 333, 41, "NEAREST"),
    ("gray_257x193.png", 256, 192, "BILINEAR"),
    ("gray_257x193.png", 31, 400, "BICUBIC"),
    ("rgba_320x240.png", 100, 75, "BICUBIC"),
    ("rgba_320x240.png", 200, 260, "BILINEAR"),
    ("rgba_320x240.png", 99, 101, "NEAREST"),
    ("gray_alpha_160x120.png", 61, 47, "BICUBIC"),
    ("palette_200x150.png", 64, 48, "BICUBIC"),
]


def make_resize_references() -> list:
    cases = []
    for name, width, height, filter_name in RESIZE_CASES:
        with Image.open(IMAGES / name) as image:
            out = image.resize((width, height), getattr(Image.Resampling, filter_name))
        mode = out.mode
        if mode == "P":
            out = out.convert("RGB")  # compared as the palette colours
        file = f"resize/{name}__{width}x{height}_{filter_name.lower()}.png"
        target = REFERENCE / file
        target.parent.mkdir(parents=True, exist_ok=True)
        out.save(target, optimize=True)
        cases.append({"image": name, "width": width, "height": height, "filter": filter_name, "mode": mode,
                      "pixels": file})
    return cases


def make_references() -> dict:
    if REFERENCE.exists():
        shutil.rmtree(REFERENCE)
    references = []
    images = {}
    for name, recipes in PARITY_IMAGES.items():
        data = (IMAGES / name).read_bytes()
        with Image.open(io.BytesIO(data)) as probe:
            images[name] = {"format": probe.format, "mode": probe.mode, "size": list(probe.size)}
        for recipe in recipes:
            with Image.open(io.BytesIO(data)) as image:  # a fresh open per recipe, as each pipeline does
                out = RECIPES[recipe][0](image)
            assert out.mode == "RGB" and out.size == (224, 224), (name, recipe, out.mode, out.size)
            rgb = np.asarray(out, dtype=np.uint8)
            tensor = np.ascontiguousarray(tensor_of(recipe, rgb), dtype="<f4")
            target = REFERENCE / recipe / (name + ".png")
            target.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(rgb).save(target, optimize=True)
            check = np.asarray(Image.open(target))
            assert np.array_equal(check, rgb)
            references.append({
                "recipe": recipe,
                "image": name,
                "pixels": f"{recipe}/{name}.png",
                "shape": list(tensor.shape),
                "tensorSha256": hashlib.sha256(tensor.tobytes()).hexdigest(),
                "tensorMean": float(tensor.astype(np.float64).mean()),
            })
    manifest = {
        "generator": "image/src/test/python/make_preprocess_reference.py",
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "tensor": "float32 CHW; rebuilt from the pixels PNG (uint8 RGB, HWC) by the recipe's formula",
        "recipes": {rid: params for rid, (_, params) in RECIPES.items()},
        "images": images,
        "references": references,
        "resize": make_resize_references(),
    }
    (REFERENCE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main() -> None:
    make_images()
    manifest = make_references()
    total = sum(p.stat().st_size for p in IMAGES.iterdir())
    refs = sum(p.stat().st_size for p in REFERENCE.rglob("*") if p.is_file())
    print(f"{len(list(IMAGES.iterdir()))} images ({total // 1024} KiB), "
          f"{len(manifest['references'])} references ({refs // 1024} KiB)")


if __name__ == "__main__":
    main()

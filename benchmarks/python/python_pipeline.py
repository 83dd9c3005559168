"""The walkthroughs' indexing pipeline, serial as in the tutorials: for each batch of files (the "Image Search with Milvus" tutorial), Pillow opens
and preprocesses each image, onnxruntime embeds the batch, and pymilvus inserts the rows (vector + filepath) into
Milvus. With --per-image, the "Text to Image Search with Milvus" tutorial's loop instead: encode_image(path) embeds one image per run, and the rows are
inserted in one call at the end. Prints images per second, timed from the first file to the last insert.

    python python_pipeline.py --images DIR --model MODEL.onnx --family clip|resnet|effnet --uri http://127.0.0.1:19530 \
        [--per-image]
"""
import argparse
import glob
import os
import time

import numpy as np
import onnxruntime as ort
from PIL import Image
from pymilvus import MilvusClient

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def resize_shortest(img, size, resample):
    w, h = img.size
    if w <= h:
        return img.resize((size, int(size * h / w)), resample)
    return img.resize((int(size * w / h), size), resample)


def center_crop(img, size):
    w, h = img.size
    left, top = int(round((w - size) / 2.0)), int(round((h - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def preprocess(path, family):
    img = Image.open(path).convert("RGB")
    if family == "clip":  # OpenAI CLIP's transform
        img = center_crop(resize_shortest(img, 224, Image.BICUBIC), 224)
        mean, std = CLIP_MEAN, CLIP_STD
    elif family == "effnet":  # EfficientNet-Lite0 (tools/efficientnet-lite0/preprocess.py): (x - 127) / 128
        img = center_crop(resize_shortest(img, 224, Image.BICUBIC), 224)
        x = (np.asarray(img, dtype=np.float32) - np.float32(127.0)) / np.float32(128.0)
        return x.transpose(2, 0, 1)
    else:  # torchvision: Resize(256), CenterCrop(224)
        img = center_crop(resize_shortest(img, 256, Image.BILINEAR), 224)
        mean, std = IMAGENET_MEAN, IMAGENET_STD
    x = (np.asarray(img, dtype=np.float32) / 255.0 - mean) / std
    return x.transpose(2, 0, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--family", choices=["clip", "resnet", "effnet"], required=True)
    ap.add_argument("--uri", required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--collection", default="bench_python")
    ap.add_argument("--per-image", action="store_true", help='the CLIP text-to-image tutorial\'s loop: one image per run, one insert at the end')
    a = ap.parse_args()

    paths = sorted(glob.glob(os.path.join(a.images, "**", "*.jpg"), recursive=True))
    session = ort.InferenceSession(a.model, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    outputs = [o.name for o in session.get_outputs()]
    output = "image_embeds" if "image_embeds" in outputs else "pooler_output" if "pooler_output" in outputs else outputs[0]

    def embed(batch):
        v = session.run([output], {input_name: np.stack(batch)})[0].reshape(len(batch), -1)
        if a.family in ("clip", "effnet"):
            v = v / np.linalg.norm(v, axis=1, keepdims=True)
        return v

    dim = embed([preprocess(paths[0], a.family)]).shape[1]  # warm-up, untimed
    client = MilvusClient(uri=a.uri)
    if client.has_collection(a.collection):
        client.drop_collection(a.collection)
    client.create_collection(a.collection, dimension=dim, metric_type="COSINE" if a.family in ("clip", "effnet") else "L2",
                             auto_id=True, enable_dynamic_field=True)

    start = time.perf_counter()
    if a.per_image:
        raw_data = []
        for p in paths:
            raw_data.append({"vector": embed([preprocess(p, a.family)])[0].tolist(), "filepath": p})
        client.insert(a.collection, raw_data)
    else:
        for i in range(0, len(paths), a.batch):
            chunk = paths[i:i + a.batch]
            vectors = embed([preprocess(p, a.family) for p in chunk])
            client.insert(a.collection, [{"vector": v.tolist(), "filepath": p} for v, p in zip(vectors, chunk)])
    elapsed = time.perf_counter() - start
    count = client.query(a.collection, filter="", output_fields=["count(*)"])[0]["count(*)"]
    client.drop_collection(a.collection)
    mode = "one image per run, the CLIP tutorial's loop" if a.per_image else f"batches of {a.batch}, the paintings tutorial's loop"
    print(f"python pipeline (Pillow + onnxruntime + pymilvus, serial, {mode}): {len(paths)} images ({count} rows) "
          f"in {elapsed:.1f} s = {len(paths) / elapsed:.1f} images/s")


if __name__ == "__main__":
    main()

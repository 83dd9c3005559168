"""The Python reference pipeline for EfficientNet-Lite0 (Pillow + NumPy + onnxruntime, the tutorials' way), whose
outputs the Java tests compare against. Preprocessing: preprocess.py (the chosen recipe, as Java computes it).

  embed     embeddings (image_embeds, float32, not normalised) and top-5 ImageNet classes of image files:
            python reference.py embed --model DIR [--variant fp32] --out emb.json [--npy emb.npy] FILE|FOLDER...
  eval      leave-one-out retrieval on a folder of class sub-folders, cosine on image_embeds: top-1 same-class
            rate, P@10, and each query's 10 nearest ids with their cosines; also the raw-pixel baseline
            (cosine on the model's 224x224x3 input tensor):
            python reference.py eval --model DIR [--variant fp32] --data DATA/textiles --out eval.json
  bench     images/s: the whole loop per image (open, preprocess, run, batch 1) and the model alone (batch 16):
            python reference.py bench --model DIR [--variant fp32 ...] --images FOLDER [--threads 2]
  variants  each variant against fp32 on a labelled folder: images/s, cosine to fp32 (min/mean), top-10 overlap,
            P@10 change:
            python reference.py variants --model DIR --data DATA/textiles [--variant int8 --variant fp16]

Embeddings in JSON are base64 of little-endian float32 bytes (numpy tobytes(); core's TestVectors reads them).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

import preprocess as P

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


def variant_file(model: Path, variant: str) -> Path:
    return model / "onnx" / ("model.onnx" if variant == "fp32" else f"model_{variant}.onnx")


def session(model: Path, variant: str = "fp32", threads: int = 2):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(variant_file(model, variant)), so, providers=["CPUExecutionProvider"])


def image_files(args: list[str]) -> list[Path]:
    out = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in IMAGE_EXT)
        else:
            out.append(p)
    return out


def run(sess, x: np.ndarray, batch: int = 16) -> tuple[np.ndarray, np.ndarray]:
    embs, logits = [], []
    for i in range(0, len(x), batch):
        e, lg = sess.run(["image_embeds", "logits"], {"pixel_values": x[i:i + batch]})
        embs.append(e)
        logits.append(lg)
    return np.concatenate(embs), np.concatenate(logits)


def b64(v: np.ndarray) -> str:
    return base64.b64encode(np.asarray(v, dtype="<f4").tobytes()).decode("ascii")


def softmax(lg: np.ndarray) -> np.ndarray:
    p = np.exp(lg - lg.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)


def labels(model: Path) -> dict[str, str]:
    return json.loads((model / "config.json").read_text(encoding="utf-8"))["id2label"]


# ---------------------------------------------------------------- embed

def cmd_embed(a) -> None:
    files = image_files(a.images)
    x = np.stack([P.preprocess(f) for f in files])
    sess = session(a.model, a.variant, a.threads)
    emb, lg = run(sess, x)
    prob = softmax(lg)
    names = labels(a.model)
    import onnxruntime
    import PIL
    out = {"generator": "tools/efficientnet-lite0/reference.py embed", "variant": a.variant,
           "recipe": P.CHOSEN.name, "onnxruntime": onnxruntime.__version__, "pillow": PIL.__version__,
           "numpy": np.__version__, "dim": int(emb.shape[1]), "images": []}
    for f, e, p in zip(files, emb, prob):
        top = np.argsort(-p)[:5]
        out["images"].append({"file": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest(),
                              "embedding": b64(e), "norm": float(np.linalg.norm(e)),
                              "top5": [{"id": int(c), "label": names[str(c)], "prob": round(float(p[c]), 6)}
                                       for c in top]})
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    if a.npy:
        np.save(a.npy, emb)
    for im in out["images"]:
        print(f"{im['file']:24s} " + "; ".join(f"{t['label'].split(',')[0]} {t['prob']:.3f}" for t in im["top5"]))
    print(f"wrote {a.out} ({len(files)} images)")


# ---------------------------------------------------------------- eval

def labelled(data: Path) -> tuple[list[str], list[str], list[Path]]:
    """ids ("class/file"), classes and paths of a folder of class sub-folders, sorted by id."""
    files = sorted(f for f in data.rglob("*") if f.suffix.lower() in IMAGE_EXT and f.parent != data)
    ids = [f.relative_to(data).as_posix() for f in files]
    return ids, [f.parent.relative_to(data).as_posix() for f in files], files


def loo(vectors: np.ndarray, classes: list[str], k: int = 10) -> dict:
    """Leave-one-out retrieval on cosine: each item queries all others; ties broken by the lower index (id)."""
    v = vectors.astype(np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    order = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    cls = np.asarray(classes)
    same = cls[order] == cls[:, None]
    return {"top1": float(same[:, 0].mean()), "p_at_10": float(same.mean()), "order": order,
            "cos": np.take_along_axis(sim, order, axis=1)}


def evaluate(model: Path, data: Path, variant: str = "fp32", threads: int = 2, raw: bool = True) -> dict:
    ids, classes, files = labelled(data)
    x = np.stack([P.preprocess(f) for f in files])
    emb, _ = run(session(model, variant, threads), x)
    r = loo(emb, classes)
    out = {"generator": "tools/efficientnet-lite0/reference.py eval", "data": data.name, "variant": variant,
           "recipe": P.CHOSEN.name, "metric": "cosine", "vectors": "image_embeds", "n": len(ids),
           "classes": {c: classes.count(c) for c in sorted(set(classes))},
           "top1": r["top1"], "p_at_10": r["p_at_10"]}
    if raw:
        rr = loo(x.reshape(len(x), -1), classes)
        out["raw_pixels"] = {"vectors": "the model input (224x224x3, (x-127)/128)", "top1": rr["top1"],
                             "p_at_10": rr["p_at_10"]}
    out["queries"] = [{"id": ids[i], "cls": classes[i], "top10": [ids[j] for j in r["order"][i]],
                       "top10_cos": [round(float(c), 8) for c in r["cos"][i]]} for i in range(len(ids))]
    out["_emb"] = emb
    return out


def cmd_eval(a) -> None:
    res = evaluate(a.model, a.data, a.variant, a.threads)
    res.pop("_emb")
    Path(a.out).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    raw = res.get("raw_pixels", {})
    print(f"{res['data']} ({res['n']} images, {len(res['classes'])} classes), {a.variant}: top-1 {res['top1']:.4f}, "
          f"P@10 {res['p_at_10']:.4f}; raw pixels top-1 {raw.get('top1', float('nan')):.4f}, "
          f"P@10 {raw.get('p_at_10', float('nan')):.4f}; wrote {a.out}")


# ---------------------------------------------------------------- bench

def bench(model: Path, variant: str, files: list[Path], threads: int = 2, repeat: int = 1) -> dict:
    sess = session(model, variant, threads)
    x = np.stack([P.preprocess(f) for f in files])
    sess.run(None, {"pixel_values": x[:16]})  # warm-up
    t0 = time.perf_counter()
    for _ in range(repeat):
        run(sess, x, batch=16)
    model_only = repeat * len(files) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for f in files:  # the tutorials' loop: one image at a time, open + preprocess + run
        sess.run(["image_embeds"], {"pixel_values": P.preprocess(f)[None]})
    loop = len(files) / (time.perf_counter() - t0)
    return {"variant": variant, "images": len(files), "threads": threads, "model_batch16_per_s": model_only,
            "loop_batch1_per_s": loop}


def cmd_bench(a) -> None:
    files = image_files(a.images)
    for v in a.variant or ["fp32"]:
        r = bench(a.model, v, files, a.threads)
        print(f"{v}: {r['images']} images, {a.threads} threads: model alone (batch 16) "
              f"{r['model_batch16_per_s']:.1f} images/s; whole loop (open+preprocess+run, batch 1) "
              f"{r['loop_batch1_per_s']:.1f} images/s")


# ---------------------------------------------------------------- variants

def cmd_variants(a) -> None:
    base = evaluate(a.model, a.data, "fp32", a.threads, raw=False)
    ids, _, files = labelled(a.data)
    fp32_bench = bench(a.model, "fp32", files, a.threads)
    rows = {"fp32": {"model_batch16_per_s": fp32_bench["model_batch16_per_s"],
                     "loop_batch1_per_s": fp32_bench["loop_batch1_per_s"], "p_at_10": base["p_at_10"],
                     "top1": base["top1"]}}
    for v in a.variant or ["int8", "fp16"]:
        if not variant_file(a.model, v).is_file():
            print(f"{v}: {variant_file(a.model, v)} missing (convert.py --variant {v})")
            continue
        r = evaluate(a.model, a.data, v, a.threads, raw=False)
        e0, e1 = base["_emb"].astype(np.float64), r["_emb"].astype(np.float64)
        cos = (e0 * e1).sum(1) / np.linalg.norm(e0, axis=1) / np.linalg.norm(e1, axis=1)
        overlap = np.mean([len(set(q0["top10"]) & set(q1["top10"])) / 10
                           for q0, q1 in zip(base["queries"], r["queries"])])
        b = bench(a.model, v, files, a.threads)
        rows[v] = {"model_batch16_per_s": b["model_batch16_per_s"], "loop_batch1_per_s": b["loop_batch1_per_s"],
                   "speed_vs_fp32": b["model_batch16_per_s"] / fp32_bench["model_batch16_per_s"],
                   "cos_min": float(cos.min()), "cos_mean": float(cos.mean()), "top10_overlap": float(overlap),
                   "p_at_10": r["p_at_10"], "p_at_10_change": r["p_at_10"] - base["p_at_10"], "top1": r["top1"],
                   "size_mb": variant_file(a.model, v).stat().st_size / 1e6}
    rows["fp32"]["size_mb"] = variant_file(a.model, "fp32").stat().st_size / 1e6
    print(f"{a.data.name}: {len(ids)} images, {a.threads} threads")
    print(f"{'variant':14s} {'MB':>5s} {'img/s b16':>9s} {'x fp32':>6s} {'loop/s':>7s} {'cos min':>8s} "
          f"{'cos mean':>9s} {'top10 ovl':>9s} {'P@10':>7s} {'dP@10':>7s}")
    for v, r in rows.items():
        print(f"{v:14s} {r['size_mb']:5.1f} {r['model_batch16_per_s']:9.1f} {r.get('speed_vs_fp32', 1.0):6.2f} "
              f"{r['loop_batch1_per_s']:7.1f} {r.get('cos_min', 1.0):8.5f} {r.get('cos_mean', 1.0):9.6f} "
              f"{r.get('top10_overlap', 1.0):9.3f} {r['p_at_10']:7.4f} {r.get('p_at_10_change', 0.0):+7.4f}")
    if a.out:
        Path(a.out).write_text(json.dumps({"data": a.data.name, "n": len(ids), "threads": a.threads,
                                           "variants": rows}, indent=1) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, multi_variant=False):
        p.add_argument("--model", required=True, type=Path, help="the converted model directory")
        if multi_variant:
            p.add_argument("--variant", action="append", help="fp32, int8, fp16; repeatable")
        else:
            p.add_argument("--variant", default="fp32")
        p.add_argument("--threads", type=int, default=2)
    p = sub.add_parser("embed")
    common(p)
    p.add_argument("--out", required=True)
    p.add_argument("--npy")
    p.add_argument("images", nargs="+")
    p.set_defaults(fn=cmd_embed)
    p = sub.add_parser("eval")
    common(p)
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_eval)
    p = sub.add_parser("bench")
    common(p, multi_variant=True)
    p.add_argument("--images", nargs="+", required=True)
    p.set_defaults(fn=cmd_bench)
    p = sub.add_parser("variants")
    common(p, multi_variant=True)
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--out")
    p.set_defaults(fn=cmd_variants)
    a = ap.parse_args(argv)
    a.fn(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())

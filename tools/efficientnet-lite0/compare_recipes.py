"""Measures the candidate preprocessing recipes of preprocess.RECIPES on the converted fp32 model: for the sample
photos with an unambiguous ImageNet answer (expected_top5.json), whether top-1 is a correct class and its
probability; and leave-one-out top-1 / P@10 (cosine on image_embeds) on the labelled folders given.

  python compare_recipes.py --model DIR [--data DATA/textiles DATA/fashion-mnist]
"""
import argparse
import json
from pathlib import Path

import numpy as np

import preprocess as P
import reference as R

HERE = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--data", nargs="*", type=Path, default=[])
    a = ap.parse_args()
    expected = json.loads((HERE / "expected_top5.json").read_text())["expected_in_top5"]
    photos = {p.stem: p for p in P.sample_photo_paths()}
    sess = R.session(a.model)
    sets = [(d.name, *R.labelled(d)) for d in a.data]
    print(f"{'recipe':46s} {'correct':>7s} {'mean p(top-1)':>13s}  " + "  ".join(f"{n:>22s}" for n, *_ in sets))
    for r in P.RECIPES.values():
        x = np.stack([P.preprocess(photos[n], r) for n in expected])
        _, lg = R.run(sess, x)
        p = R.softmax(lg)
        correct = [int(np.argmax(p[i])) in want for i, want in enumerate(expected.values())]
        conf = [float(p[i].max()) if ok else 0.0 for i, ok in enumerate(correct)]
        cells = []
        for _, ids, classes, files in sets:
            emb, _ = R.run(sess, np.stack([P.preprocess(f, r) for f in files]))
            res = R.loo(emb, classes)
            cells.append(f"top1 {res['top1']:.3f} P@10 {res['p_at_10']:.3f}")
        per = " ".join(f"{c:.3f}" for c in conf)
        print(f"{r.name:46s} {sum(correct)}/{len(correct):<5d} {np.mean(conf):13.3f}  " + "  ".join(
            f"{c:>22s}" for c in cells) + f"   [{per}]")


if __name__ == "__main__":
    main()

"""Writes the benchmark data set: clustered float32 vectors with a fixed seed, queries, and exact top-10 ids.

Usage: python data.py OUT_DIR [N] [DIM] [QUERIES]
Files (little-endian): base.f32 (N x DIM), queries.f32 (Q x DIM), gt.i32 (Q x 10), meta.json.
"""
import json
import os
import sys
import time

import faiss
import numpy as np


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    dim = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    nq = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20240611)
    clusters = 1000
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    spread = np.float32(1.0)  # clusters overlap, as real embeddings do

    def sample(count):
        assign = rng.integers(0, clusters, count)
        return centres[assign] + spread * rng.standard_normal((count, dim), dtype=np.float32)

    base = sample(n).astype("<f4")
    queries = sample(nq).astype("<f4")
    flat = faiss.IndexFlatL2(dim)
    flat.add(base)
    t = time.perf_counter()
    _, gt = flat.search(queries, 10)
    base.tofile(os.path.join(out, "base.f32"))
    queries.tofile(os.path.join(out, "queries.f32"))
    gt.astype("<i4").tofile(os.path.join(out, "gt.i32"))
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump({"n": n, "dim": dim, "queries": nq, "k": 10, "clusters": clusters, "spread": float(spread),
                   "seed": 20240611, "ground_truth_seconds": time.perf_counter() - t}, f)


if __name__ == "__main__":
    main()

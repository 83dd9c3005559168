"""FAISS side of the benchmark: HNSW (same M, efConstruction, data and queries as the Lucene side) and flat.

Usage: python faiss_bench.py DATA_DIR M EF_CONSTRUCTION EF1,EF2,... THREADS
Prints one JSON object per line, as the Lucene side does. Environment: FAISS_INDEX (a file: the HNSW index is read
from it when it exists, else built and written to it; no build line is printed for a read index), SWEEP_ONLY (skip
the flat index).
"""
import json
import os
import sys
import tempfile
import time

import faiss
import numpy as np


def load(data):
    meta = json.load(open(os.path.join(data, "meta.json")))
    dim = meta["dim"]
    base = np.fromfile(os.path.join(data, "base.f32"), dtype="<f4").reshape(-1, dim)
    queries = np.fromfile(os.path.join(data, "queries.f32"), dtype="<f4").reshape(-1, dim)
    gt = np.fromfile(os.path.join(data, "gt.i32"), dtype="<i4").reshape(-1, 10)
    return base, queries, gt


def recall(found, gt):
    return float(np.mean([len(set(f) & set(g)) / 10.0 for f, g in zip(found, gt)]))


def index_size(index):
    with tempfile.NamedTemporaryFile(delete=False) as f:
        path = f.name
    try:
        faiss.write_index(index, path)
        return os.path.getsize(path)
    finally:
        os.remove(path)


def timed_queries(index, queries):
    """One query per call, as an application serves requests: (wall seconds, CPU seconds of this thread, ids)."""
    found = []
    t = time.perf_counter()
    c = time.thread_time()
    for q in queries:
        _, ids = index.search(q[None, :], 10)
        found.append(ids[0])
    return time.perf_counter() - t, time.thread_time() - c, found


def main():
    data, m, ef_construction, efs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    faiss.omp_set_num_threads(threads)
    base, queries, gt = load(data)
    dim = base.shape[1]

    cached = os.environ.get("FAISS_INDEX")
    if cached and os.path.exists(cached):
        index = faiss.read_index(cached)
        assert index.hnsw.efConstruction == ef_construction and index.ntotal == len(base), cached
    else:
        index = faiss.IndexHNSWFlat(dim, m)
        index.hnsw.efConstruction = ef_construction
        t = time.perf_counter()
        c = time.thread_time()
        index.add(base)
        build, build_cpu = time.perf_counter() - t, time.thread_time() - c
        print(json.dumps({"system": "faiss", "kind": "hnsw-build", "seconds": build, "cpu_seconds": build_cpu,
                          "bytes": index_size(index)}), flush=True)
        if cached:
            faiss.write_index(index, cached)

    index.hnsw.efSearch = 64
    timed_queries(index, queries[:200])  # warm-up
    for ef in [int(e) for e in efs.split(",")]:
        index.hnsw.efSearch = max(ef, 10)  # as the Lucene store asks the graph for max(topK, ef)
        runs = [timed_queries(index, queries) for _ in range(2)]
        seconds = min(r[0] for r in runs)  # the better of two runs, wall and CPU each
        cpu = min(r[1] for r in runs)
        print(json.dumps({"system": "faiss", "kind": "hnsw", "ef": ef, "recall": recall(runs[0][2], gt),
                          "qps": len(queries) / seconds, "cpu_qps": len(queries) / cpu}), flush=True)

    if os.environ.get("SWEEP_ONLY"):
        return
    flat = faiss.IndexFlatL2(dim)
    t = time.perf_counter()
    flat.add(base)
    flat_build = time.perf_counter() - t
    n_flat = min(200, len(queries))
    timed_queries(flat, queries[:20])  # warm-up
    runs = [timed_queries(flat, queries[:n_flat]) for _ in range(2)]
    seconds = min(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    print(json.dumps({"system": "faiss", "kind": "flat", "recall": recall(runs[0][2], gt[:n_flat]),
                      "qps": n_flat / seconds, "cpu_qps": n_flat / cpu, "build_seconds": flat_build,
                      "bytes": index_size(flat)}), flush=True)


if __name__ == "__main__":
    main()

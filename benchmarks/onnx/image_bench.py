#!/usr/bin/env python3
"""Decode and preprocess cost per image of the Python reference, on one thread: Pillow's Image.open + load (the
decode), then the recipe's Pillow steps and the numpy float32 tensor, with core's reference code
(image/src/test/python/make_preprocess_reference.py, imported, not copied). The counterpart of ImageBench.java; run
through image.sh.

Usage: image_bench.py <images dir> <count> <rounds> <recipe>
Prints one line of key=value pairs (medians over the rounds of wall and CPU milliseconds per image).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core" / "src" / "test" / "python"))
import make_preprocess_reference as reference  # noqa: E402  (the image module's reference preprocessing)


def main() -> int:
    directory, count, rounds, recipe = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    transform = reference.RECIPES[recipe][0]
    files = sorted(p for p in directory.iterdir() if p.suffix == ".jpg")[:count]
    checksum = 0.0
    rows = []
    for r in range(rounds + 1):  # round 0 warms the page cache and the allocator, like Java's warm-up
        dw = dc = pw = pc = 0.0
        for f in files:
            w0, c0 = time.perf_counter(), time.thread_time()
            image = Image.open(f)
            image.load()
            w1, c1 = time.perf_counter(), time.thread_time()
            rgb = np.asarray(transform(image), dtype=np.uint8)
            tensor = reference.tensor_of(recipe, rgb)
            w2, c2 = time.perf_counter(), time.thread_time()
            image.close()
            dw += w1 - w0
            dc += c1 - c0
            pw += w2 - w1
            pc += c2 - c1
            if r == 1:
                checksum += float(tensor.reshape(-1)[tensor.size // 2])
        n = len(files) / 1000.0
        if r > 0:
            rows.append((dw / n, dc / n, pw / n, pc / n))
            print(f"  python round {r}: decode {dw / n:.2f} ms (cpu {dc / n:.2f}), preprocess {pw / n:.2f} ms "
                  f"(cpu {pc / n:.2f})", file=sys.stderr, flush=True)
    med = [statistics.median(row[i] for row in rows) for i in range(4)]
    print(f"side=python images={len(files)} rounds={rounds} recipe={recipe} decode_ms={med[0]:.3f} "
          f"decode_cpu_ms={med[1]:.3f} preprocess_ms={med[2]:.3f} preprocess_cpu_ms={med[3]:.3f} "
          f"checksum={checksum:.6f} pillow={Image.__version__} numpy={np.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

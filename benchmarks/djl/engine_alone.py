#!/usr/bin/env python3
"""The engines alone, without any Java: LibTorch (torch 2.7.1, the TorchScript file) and onnxruntime (the ONNX file)
on ready random input, same batch and threads, interleaved round by round. Shows how much of a gap between the DJL
paths and embedders-onnx comes from the engines themselves rather than from the Java side.

Usage: engine_alone.py <model-dir> <torchscript file name> <onnx file name> <output> [--batch 16] [--threads 2]
       [--rounds 6]
"""
import argparse
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir", type=Path)
    p.add_argument("pt")
    p.add_argument("onnx")
    p.add_argument("output")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=6)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    module = torch.jit.load(str(a.dir / "torchscript" / a.pt)).eval()
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(a.dir / "onnx" / a.onnx), so, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((a.batch, 3, 224, 224), dtype=np.float32)
    t = torch.from_numpy(x)
    times = {"libtorch (torch.jit, TorchScript)": [], "onnxruntime (python)": []}

    def run_torch():
        with torch.inference_mode():
            module(t)

    def run_ort():
        session.run([a.output], {"pixel_values": x})

    runs = {"libtorch (torch.jit, TorchScript)": run_torch, "onnxruntime (python)": run_ort}
    for f in runs.values():  # warm-up (TorchScript profiles its first runs)
        f()
        f()
    names = list(runs)
    for r in range(a.rounds):
        for k in range(len(names)):
            name = names[(r + k) % len(names)]
            t0 = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - t0)
    base = times["onnxruntime (python)"]
    print(f"engines alone, batch {a.batch}, {a.threads} threads, {a.rounds} rounds (ready random input):")
    for name, ts in times.items():
        ratio = float(np.median(np.array(base) / np.array(ts)))
        print(f"  {name:36s} {a.batch * len(ts) / sum(ts):8.2f} images/s   {ratio:.3f}x onnxruntime (median)")


if __name__ == "__main__":
    main()

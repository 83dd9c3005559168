#!/usr/bin/env python3
"""The Python reference pipeline, as a worker the Java benchmark drives batch by batch (so that both run under the
same machine load): Pillow decodes and preprocesses each image exactly as core's reference script does (the code is
imported from image/src/test/python/make_preprocess_reference.py, not copied), numpy stacks the float32 CHW tensors,
onnxruntime-python runs the same ONNX file with the same intra-op thread count.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout.
  {"cmd": "batch", "files": [...], "perImage": false}
                                     -> {"seconds": s, "preprocessSeconds": p, "inferSeconds": i, "cpuSeconds": c,
                                        "embeddings": [[...], ...]}   (the whole path, timed inside this process)
  with "perImage": true, each image is opened, preprocessed and run on its own (a batch of one), as the loop of the
  walkthroughs' encode_image(path) does (the "Text to Image Search with Milvus" tutorial); preprocessSeconds and inferSeconds are then the sums.
  {"cmd": "quit"}

Usage: python_reference.py <model.onnx> <recipe: openai-clip-224 | torchvision-imagenet-224> <output> <threads>
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core" / "src" / "test" / "python"))
import make_preprocess_reference as reference  # noqa: E402  (the image module's reference preprocessing)


def main() -> int:
    model, recipe, output, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    transform, params = reference.RECIPES[recipe]
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    print(json.dumps({"ready": True, "onnxruntime": ort.__version__, "numpy": np.__version__,
                      "pillow": Image.__version__, "input": input_name}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["cmd"] == "quit":
            break
        cpu0 = sum(os.times()[:2])
        start = time.perf_counter()
        groups = [[f] for f in request["files"]] if request.get("perImage") else [request["files"]]
        preprocess_seconds, rows = 0.0, []
        for group in groups:
            t0 = time.perf_counter()
            tensors = []
            for f in group:
                with Image.open(f) as image:  # the reference pipelines open each file with Pillow
                    rgb = np.asarray(transform(image), dtype=np.uint8)
                tensors.append(reference.tensor_of(recipe, rgb))
            batch = np.stack(tensors)
            preprocess_seconds += time.perf_counter() - t0
            rows.append(session.run([output], {input_name: batch})[0].reshape(len(tensors), -1))
        end = time.perf_counter()
        cpu = sum(os.times()[:2]) - cpu0
        embeddings = np.concatenate(rows)
        print(json.dumps({"seconds": end - start, "preprocessSeconds": preprocess_seconds,
                          "inferSeconds": end - start - preprocess_seconds, "cpuSeconds": cpu,
                          "embeddings": embeddings.tolist()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

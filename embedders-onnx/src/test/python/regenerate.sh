#!/usr/bin/env bash
# Regenerates every committed test asset of embedders-onnx: the tiny models (with their tokenizer.json files),
# the reference token ids and the reference embeddings. Run from anywhere; needs a venv with requirements.txt:
#   python3 -m venv .venv && .venv/bin/pip install -r embedders-onnx/src/test/python/requirements.txt
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
resources="$repo/embedders-onnx/src/test/resources"
rm -rf "$resources/models"
"$python" "$here/make_test_models.py" "$resources/models"
mkdir -p "$resources/reference"
"$python" "$here/reference_tokens.py" "$resources/reference/tokens.json"
"$python" "$here/reference_embeddings.py" "$resources/models" "$resources/reference/tokens.json" \
  "$resources/reference/embeddings.json"

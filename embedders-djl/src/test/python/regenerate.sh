#!/usr/bin/env bash
# Regenerates every committed test asset of embedders-djl: the tiny TorchScript + ONNX models (same weights) and the
# reference embeddings. Run from anywhere; makes its own venv (ignored by git) from the pinned requirements.txt.
# Needs embedders-onnx's reference/tokens.json and core's test images (both committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
venv="$here/.venv"
if [ -z "${PYTHON:-}" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
python="${PYTHON:-$venv/bin/python}"
resources="$repo/embedders-djl/src/test/resources"
rm -rf "$resources/models" "$resources/reference"
"$python" "$here/make_test_models.py" "$resources"

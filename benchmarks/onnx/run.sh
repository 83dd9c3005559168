#!/usr/bin/env bash
# Image-embedding throughput: the SDK's Java path vs ONNX Runtime alone vs the Python reference, on full-size
# CLIP ViT-B/32 (random weights) and 500 generated JPEGs, plus the machine's FLOP/s ceiling. See README.md.
#
#   benchmarks/onnx/run.sh                 # full run: 500 images, batch 16, 2 intra-op threads
#   benchmarks/onnx/run.sh --quick         # 96 images
#   benchmarks/onnx/run.sh --images 200 --batch 8 --threads 4 --model resnet50
#   benchmarks/onnx/run.sh --paths ort,java,java-sequential,python   # also the one-by-one Java loop
#
# Needs Java 17 and python3 (with venv). First run: downloads the pinned Python packages into
# benchmarks/onnx/.venv and builds the models and images into $IMGSEARCH_BENCH_CACHE (default
# ~/.cache/imgsearch-bench, about 500 MB); later runs reuse both. Nothing is written inside the repository except
# the venv and benchmarks/onnx/target/ (both ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$repo/tools/jdk21.sh"
cache="${IMGSEARCH_BENCH_CACHE:-$HOME/.cache/imgsearch-bench}"

images=500
model=clip-vit-b32
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) images=96; shift ;;
    --images) images="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --batch|--threads|--results|--paths|--spinning) args+=("$1" "$2"); shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

# 1. Python: pinned packages in a venv under benchmarks/onnx (ignored by git)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
  echo "[bench] setting up $venv from requirements.txt"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi

# 2. Models and images, made once into the cache
extra=()
[ "$model" = resnet50 ] && extra+=(--resnet)
"$venv/bin/python" "$here/make_assets.py" "$cache" --images "$images" "${extra[@]}"

# 3. The SDK (core + embedders-onnx) and its runtime class path
target="$here/target"
mkdir -p "$target"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building core, embedders-common and embedders-onnx"
  (cd "$repo" && ./mvnw -B -ntp -q -pl core,image,embedders-common,embedders-onnx package -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$target/classpath.txt")
fi
classpath="$repo/embedders-onnx/target/classes:$(cat "$target/classpath.txt")"

# 4. The benchmark (a single-file Java program; it starts the Python reference worker itself); the output is also
#    kept in target/run-<model>.log
cd "$repo"
export DJL_CACHE_DIR="$target/djl-cache"
java -Xmx4g -Dslf4j.internal.verbosity=ERROR -Dai.djl.offline=true -DDJL_CACHE_DIR="$target/djl-cache" \
  -cp "$classpath" "$here/OnnxBench.java" --cache "$cache" --model "$model" --images "$images" \
  --python "$venv/bin/python" --worker "$here/python_reference.py" --results "$target/results-$model.json" \
  "${args[@]}" 2>&1 | grep --line-buffered -v '^\[main\] INFO ai.djl' | tee "$target/run-$model.log"

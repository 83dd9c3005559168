#!/usr/bin/env bash
# Image-embedding throughput of embedders-djl (DJL ONNX Runtime on the ONNX file, DJL PyTorch on a TorchScript
# export of the same weights) vs embedders-onnx, on full-size random-weight models (benchmarks/onnx/make_assets.py),
# same batch and threads. See benchmarks/README.md.
#
#   benchmarks/djl/run.sh                                  # CLIP ViT-B/32 image tower, 96 images, batch 16, 2 threads
#   benchmarks/djl/run.sh --model resnet50 --images 64 --batch 8 --threads 2
#
# Needs Java 17 and python3. First run: a venv with the pinned packages (torch included) in benchmarks/djl/.venv
# (BENCH_PYTHON=/path/to/python uses another one with the same pins), models and images in $IMGSEARCH_BENCH_CACHE
# (default ~/.cache/imgsearch-bench, shared with benchmarks/onnx). Output also in benchmarks/djl/target/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$repo/tools/jdk21.sh"
cache="${IMGSEARCH_BENCH_CACHE:-$HOME/.cache/imgsearch-bench}"
images=96
batch=16
threads=2
model=clip-vit-b32
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

python="${BENCH_PYTHON:-}"
if [ -z "$python" ]; then
  venv="$here/.venv"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
    echo "[bench] setting up $venv from requirements.txt"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/.requirements.txt"
  fi
  python="$venv/bin/python"
fi

extra=()
[ "$model" = resnet50 ] && extra+=(--resnet)
"$python" "$repo/benchmarks/onnx/make_assets.py" "$cache" --images "$images" "${extra[@]}"
"$python" "$here/make_torchscript.py" "$cache"

target="$here/target"
mkdir -p "$target"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building core, embedders-common, embedders-onnx, embedders-djl"
  (cd "$repo" && ./mvnw -B -ntp -q -pl core,image,embedders-common,embedders-onnx,embedders-djl package -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$target/classpath.txt")
fi
classpath="$repo/embedders-djl/target/classes:$(cat "$target/classpath.txt")"

cd "$repo"
export DJL_CACHE_DIR="$target/djl-cache"
# as the README tells users of the PyTorch engine (LibTorch's OpenMP threads would spin between runs);
# OMP_WAIT_POLICY=ACTIVE benchmarks/djl/run.sh measures the default
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
java -Xss4m -Xmx4g -Dai.djl.offline=true -DDJL_CACHE_DIR="$target/djl-cache" \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" "$here/DjlBench.java" \
  --model "$model" --dir "$cache/models/$model" --images "$cache/images" --count "$images" --batch "$batch" \
  --threads "$threads" 2>&1 | tee "$target/run-$model.log"

# the engines alone (Python, ready input), same batch and threads: how much of a gap is the engines' own
if [ "$model" = resnet50 ]; then files=(model.pt model.onnx pooler_output); else files=(vision_model.pt vision_model.onnx image_embeds); fi
"$python" "$here/engine_alone.py" "$cache/models/$model" "${files[@]}" --batch "$batch" --threads "$threads" 2>&1 \
  | grep -v -i warn | tee -a "$target/run-$model.log"

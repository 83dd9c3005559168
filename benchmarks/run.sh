#!/usr/bin/env bash
# Runs every benchmark and prints the figures side by side. Takes several minutes.
#   benchmarks/run.sh [images=500] [memory-small=1000] [memory-large=10000]     (SKIP_MEMORY=1: no memory run)
# Work files (images, venv, synthetic model, Milvus Lite data) go to target/bench/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$root/tools/jdk21.sh"
work="$root/target/bench"
n="${1:-500}"; small="${2:-1000}"; large="${3:-10000}"
mkdir -p "$work"
cd "$root"

./mvnw -B -ntp -q -Pbenchmarks -pl benchmarks -am package -DskipTests
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
# -Xss4m: ONNX Runtime 1.29 crashes (SIGSEGV) creating its environment on a main thread of the default stack size
# when the class path is long, as this one is.

if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q -r benchmarks/python/requirements.txt
fi
venv="$work/venv"; py="$venv/bin/python"
[ -f "$work/resnet-cost.onnx" ] || "$py" benchmarks/python/make_model.py "$work/resnet-cost.onnx"
clip_dir="$root/embedders-onnx/src/test/resources/models/clip"

source benchmarks/milvus-lite.sh "$work/milvus-data"

java -Xss4m -cp "$cp" dev.imgsearch.benchmarks.PipelineBenchmark --images "$work/images" --generate "$n" \
  --model "resnet:$work/resnet-cost.onnx" --milvus "$uri" | tee "$work/java-resnet.txt"
"$py" benchmarks/python/python_pipeline.py --images "$work/images" --model "$work/resnet-cost.onnx" \
  --family resnet --uri "$uri" | tee "$work/python-resnet.txt"
"$py" benchmarks/python/python_pipeline.py --images "$work/images" --model "$work/resnet-cost.onnx" \
  --family resnet --uri "$uri" --per-image | tee "$work/python-resnet-per-image.txt"

java -Xss4m -cp "$cp" dev.imgsearch.benchmarks.PipelineBenchmark --images "$work/images" \
  --model "clip:$clip_dir" --milvus "$uri" | tee "$work/java-clip.txt"
"$py" benchmarks/python/python_pipeline.py --images "$work/images" --model "$clip_dir/onnx/vision_model.onnx" \
  --family clip --uri "$uri" | tee "$work/python-clip.txt"
"$py" benchmarks/python/python_pipeline.py --images "$work/images" --model "$clip_dir/onnx/vision_model.onnx" \
  --family clip --uri "$uri" --per-image | tee "$work/python-clip-per-image.txt"

# The real model (issue 16), when ./test.sh's set-up has converted it: EfficientNet-Lite0 (about 0.4 GFLOPs per image,
# so decoding and resizing weigh), exact path, int8 and fp16 graphs, then the tutorials' Python loop; same images.
effnet="$root/.cache/models/efficientnet-lite0"
if [ -f "$effnet/onnx/model.onnx" ]; then
  for v in "" @int8 @fp16; do
    java -Xss4m -cp "$cp" dev.imgsearch.benchmarks.PipelineBenchmark --images "$work/images" --model "effnet:$effnet$v" \
      --milvus "$uri" --only milvus | tee "$work/java-effnet${v/@/-}.txt"
  done
  "$py" benchmarks/python/python_pipeline.py --images "$work/images" --model "$effnet/onnx/model.onnx" \
    --family effnet --uri "$uri" | tee "$work/python-effnet.txt"
  # Fast paths on phone-size photos (12 MP, benchmarks/image/make_photos.py with test.sh's .venv, which has
  # scikit-image) and their quality cost on the labelled textiles upscaled to 2000x2000 JPEGs.
  [ -d "$work/photos/12mp" ] || "$root/.venv/bin/python" benchmarks/image/make_photos.py "$work/photos"
  java -Xss4m -Xmx3g -cp "$cp" dev.imgsearch.benchmarks.FastPathBenchmark --model "$effnet" \
    --photos "$work/photos/12mp" --labelled "$root/.cache/datasets/efficientnet-lite0/textiles" \
    --work "$work/fastpath" | tee "$work/java-effnet-fastpaths.txt"
fi

[ "${SKIP_MEMORY:-0}" = 1 ] && exit 0  # SKIP_MEMORY=1: the throughput figures only
java -Xss4m -cp "$cp" dev.imgsearch.benchmarks.MemoryBenchmark --small "$work/mem-$small" --generate-small "$small" \
  --large "$work/mem-$large" --generate-large "$large" --model "clip:$clip_dir" --milvus "$uri" \
  | tee "$work/memory.txt"

#!/usr/bin/env bash
# ImageIndex (exact path) against the tutorials' Python loop (Pillow + onnxruntime on batches of 32 + MilvusClient
# insert, benchmarks/python/python_pipeline.py) with EfficientNet-Lite0's real weights: the same images, the same
# Milvus Lite server, runs alternating Java and Python, each pair's ratio and their median (issue 16's target: 1.5x).
#   benchmarks/effnet-vs-python.sh [PAIRS=5] [IMAGES=300] [WIDTH=640] [HEIGHT=480]
# Needs the converted model (./test.sh's set-up writes .cache/models/efficientnet-lite0). Work files: target/bench/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/tools/jdk21.sh"
pairs="${1:-5}"; n="${2:-300}"; width="${3:-640}"; height="${4:-480}"
work="$root/target/bench"; images="$work/images-$n-${width}x$height"
effnet="$root/.cache/models/efficientnet-lite0"
[ -f "$effnet/onnx/model.onnx" ] || { echo "No $effnet/onnx/model.onnx: run ./test.sh once (its set-up converts the model)." >&2; exit 1; }
mkdir -p "$work"
cd "$root"
./mvnw -B -ntp -q -Pbenchmarks -pl benchmarks -am package -DskipTests
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
venv="$work/venv"; py="$venv/bin/python"
if [ ! -x "$py" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r benchmarks/python/requirements.txt
fi
source benchmarks/milvus-lite.sh "$work/milvus-data"
generate=(); [ -d "$images" ] || generate=(--generate "$n" --width "$width" --height "$height")
echo "$(nproc) cores; $(uptime | sed 's/.*load/load/'); $n images ${width}x$height; $pairs pairs"
ratios=()
for pair in $(seq "$pairs"); do
  # -Xss4m: ONNX Runtime crashes creating its environment on a main thread of the default stack size (benchmarks/run.sh)
  j="$(java -Xss4m -cp "$cp" dev.imgsearch.benchmarks.PipelineBenchmark --images "$images" ${generate[@]+"${generate[@]}"} \
    --model "effnet:$effnet" --milvus "$uri" --only milvus | sed -n 's/^pipeline -> Milvus.* \([0-9.]*\) images\/s.*/\1/p')"
  generate=()
  p="$("$py" benchmarks/python/python_pipeline.py --images "$images" --model "$effnet/onnx/model.onnx" \
    --family effnet --uri "$uri" | sed -n 's/.* = \([0-9.]*\) images\/s.*/\1/p')"
  r="$("$py" -c "print(f'{$j / $p:.2f}')")"
  ratios+=("$r")
  echo "pair $pair: java ImageIndex -> Milvus $j images/s, python loop -> Milvus $p images/s, ratio ${r}x ($(uptime | sed 's/.*load/load/'))"
done
"$py" -c "import statistics as s; r=[float(x) for x in '${ratios[*]}'.split()]; print(f'median {s.median(r):.2f}x, range {min(r):.2f}x to {max(r):.2f}x over {len(r)} pairs')"

#!/usr/bin/env bash
# Decode and preprocess cost per image, Java (core's ImageDecoder + ImageRecipe) vs Pillow + numpy (core's reference
# code), single-threaded, on the benchmark's generated JPEGs. See README.md ("Decode and preprocess").
#
#   benchmarks/onnx/image.sh                        # 500 images, 3 rounds, openai-clip-224
#   benchmarks/onnx/image.sh --images 200 --rounds 5 --recipe torchvision-imagenet-224
#   benchmarks/onnx/image.sh --compare a22026c      # also core's image code as of that commit (before/after)
#
# Uses the venv and the images of run.sh (made on first use, as run.sh makes them); BENCH_SKIP_BUILD=1 skips the
# Maven build of core.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$repo/tools/jdk21.sh"
cache="${IMGSEARCH_BENCH_CACHE:-$HOME/.cache/imgsearch-bench}"
images=500; rounds=3; recipe=openai-clip-224; compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --recipe) recipe="$2"; shift 2 ;;
    --compare) compare="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
  echo "[image] setting up $venv from requirements.txt"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi
if [ "$(find "$cache/images" -name '*.jpg' 2>/dev/null | wc -l)" -lt "$images" ]; then
  "$venv/bin/python" "$here/make_assets.py" "$cache" --images "$images"
fi

target="$here/target"
mkdir -p "$target"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[image] building core and image"
  (cd "$repo" && ./mvnw -B -ntp -q -pl core,image package -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$target/core-classpath.txt")
fi
classpath="$repo/image/target/classes:$repo/core/target/classes:$(cat "$target/core-classpath.txt")"

cd "$repo"
bench() { # label, class path
  java -Xmx1g -Dslf4j.internal.verbosity=ERROR -cp "$2" "$here/ImageBench.java" --label "$1" \
    --images "$cache/images" --count "$images" --rounds "$rounds" --recipe "$recipe"
}
lines=()
if [ -n "$compare" ]; then
  # the image code at that revision (core before the image module existed), compiled once into target/
  old="$target/core-$compare"
  if [ ! -d "$old/classes" ]; then
    mkdir -p "$old/src"
    git -C "$repo" archive "$compare" $(git -C "$repo" ls-tree -d --name-only "$compare" core/src/main/java \
      image/src/main/java) | tar -x -C "$old/src"
    javac -nowarn -d "$old/classes" -cp "$(cat "$target/core-classpath.txt")" \
      $(find "$old/src" -name '*.java')
  fi
  lines+=("$(bench "java@$compare" "$old/classes:$(cat "$target/core-classpath.txt")")")
fi
java_line="$(bench java "$classpath")"
lines+=("$java_line")
python_line="$("$venv/bin/python" "$here/image_bench.py" "$cache/images" "$images" "$rounds" "$recipe")"
get() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
{
  echo
  echo "Decode + preprocess ($recipe), $images JPEGs, one thread, median of $rounds rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$python_line" | tr ' ' '\n' | grep -E '^(pillow|numpy)=' | tr '\n' ' '; echo "java $(java -version 2>&1 | head -1)"
  printf '%-16s %14s %14s %16s %16s\n' side "decode ms" "(cpu ms)" "preprocess ms" "(cpu ms)"
  for line in "${lines[@]}" "$python_line"; do
    printf '%-16s %14s %14s %16s %16s\n' "$(get "$line" side)" "$(get "$line" decode_ms)" "$(get "$line" decode_cpu_ms)" \
      "$(get "$line" preprocess_ms)" "$(get "$line" preprocess_cpu_ms)"
  done
  echo -n "tensor checksums (the same pixels give the same sums):"
  for line in "${lines[@]}" "$python_line"; do echo -n " $(get "$line" side) $(get "$line" checksum)"; done; echo
} | tee -a "$target/image-bench.log"

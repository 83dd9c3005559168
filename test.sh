#!/usr/bin/env bash
# The one test command. From a fresh clone it sets up everything the tests need and runs them all:
#   1. a project-local Python virtual environment (.venv) with Milvus Lite (requirements-test.txt), which the
#      store-milvus integration tests start on a free loopback port;
#   2. every unit test (Surefire) and integration test (Failsafe, *IT) of every module, through the Maven wrapper,
#      and a compile of the benchmark programs (profile "benchmarks"), so that a change that breaks them fails here.
# Milvus is required here: if no server can be started, the build fails instead of skipping.
# Set MILVUS_URI (and MILVUS_TOKEN) to run the same tests against another Milvus server.
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}
stamp=.venv/.requirements-test.txt
if [ ! -x .venv/bin/python ] || ! cmp -s requirements-test.txt "$stamp"; then
  echo "[test.sh] setting up .venv from requirements-test.txt"
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
  cp requirements-test.txt "$stamp"
fi

exec ./mvnw -B -ntp verify -Pbenchmarks -Dmilvus.required=true "$@"

#!/usr/bin/env bash
# The one test command. From a fresh clone it sets up everything the tests need and runs them all:
#   1. a project-local Python virtual environment (.venv) with Milvus Lite (requirements-test.txt), which the
#      store-milvus integration tests start on a free loopback port;
#   2. every unit test (Surefire) and integration test (Failsafe, *IT) of every module, through the Maven wrapper.
# Milvus is required here: if no server can be started, the build fails instead of skipping.
# Set MILVUS_URI (and MILVUS_TOKEN) to run the same tests against another Milvus server.
set -euo pipefail
cd "$(dirname "$0")"

# A JDK 21+ for the build (store-lucene is on Lucene 10; the other modules still compile to Java 17): JAVA_HOME if it
# is one, else the newest JDK 21+ in the usual install directories; exported for the Maven wrapper.
jdk_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ] || ! [ "$(jdk_feature "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  JAVA_HOME=$(for j in /usr/lib/jvm/* /opt/java /opt/java/* /usr/local/java /usr/local/java/* /usr/local/jdk* /usr/local/openjdk*; do
    [ -x "$j/bin/javac" ] && f=$(jdk_feature "$j") && [ "${f:-0}" -ge 21 ] 2>/dev/null && echo "$f $j" || true; done | sort -n | tail -1 | cut -d' ' -f2-)
  [ -n "$JAVA_HOME" ] || { echo "[test.sh] no JDK 21+ found (JAVA_HOME, /usr/lib/jvm, /opt/java, /usr/local): install one, e.g. apt-get install openjdk-21-jdk (or Temurin 21+), or set JAVA_HOME to it." >&2; exit 1; }
fi
export JAVA_HOME
echo "[test.sh] JDK: $JAVA_HOME"

python=${PYTHON:-python3}
stamp=.venv/.requirements-test.txt
if [ ! -x .venv/bin/python ] || ! cmp -s requirements-test.txt "$stamp"; then
  echo "[test.sh] setting up .venv from requirements-test.txt"
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
  cp requirements-test.txt "$stamp"
fi

exec ./mvnw -B -ntp verify -Dmilvus.required=true "$@"

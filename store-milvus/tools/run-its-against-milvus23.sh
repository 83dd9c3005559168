#!/usr/bin/env bash
# Runs store-milvus's integration tests against the embedded Milvus 2.3 of PyPI's `milvus` package instead of
# Milvus Lite 3.x. Expect the tests of features newer than Milvus 2.3 to fail with a clear SchemaException:
# several vector fields per collection (2.4+), BM25 full-text fields (2.5+), infix `like` patterns.
# Usage (from the repository root): bash store-milvus/tools/run-its-against-milvus23.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/store-milvus/target/venv-milvus23"
data="$root/store-milvus/target/milvus23-data"
port="${MILVUS23_PORT:-19610}"
[ -x "$venv/bin/milvus-server" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$root/store-milvus/tools/requirements-milvus23.txt"; }
mkdir -p "$data"
"$venv/bin/milvus-server" --data "$data" --proxy-port "$port" > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 1; done
cd "$root"
MILVUS_URI="http://127.0.0.1:$port" ./mvnw -B -ntp verify -pl store-milvus -am -Dmilvus.required=true \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false

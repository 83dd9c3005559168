#!/usr/bin/env bash
# Bulk insert and search latency: MilvusVectorStore (Java) against pymilvus and the bare MilvusClientV2, on one
# Milvus Lite server (or MILVUS_URI). A benchmark, not a test. From the repository root:
#   bash benchmarks/milvus/run.sh [ROWS] [DIM] [BATCH] [SEARCHES] [SEARCH_ROWS]
# Bulk writes: ROWS rows (id, path, DIM-d vector) in BATCH-row calls, insert and upsert, each side on a fresh server;
# then upsert once more through a store on a caller's MilvusClientV2 (milvus-sdk-java's row API) for comparison.
# Search: SEARCHES top-10 searches on a SEARCH_ROWS collection, through the store and through MilvusClientV2.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$root/tools/jdk21.sh"
rows="${1:-100000}"; dim="${2:-512}"; batch="${3:-1000}"; searches="${4:-300}"; search_rows="${5:-10000}"
venv="$root/benchmarks/milvus/target/venv"
work="$root/benchmarks/milvus/target"
mkdir -p "$work"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$root/benchmarks/milvus/requirements.txt"; }
# Each side gets a fresh server (same version, settings and empty data directory), so that neither pays for the
# other's background work (segment flushes, index builds). MILVUS_URI runs both sides against one given server.
server=""
start_server() {
  if [ -n "${MILVUS_URI:-}" ]; then uri="$MILVUS_URI"; return; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$work/data"
  "$venv/bin/milvus-lite" server --data-dir "$work/data" --host 127.0.0.1 --port "$port" >> "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 1; done
  uri="http://127.0.0.1:$port"
}
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
trap stop_server EXIT
cd "$root"
# One reactor run (-am), so that core resolves to its target/classes without an install; store-milvus runs last and
# writes the classpath file last.
./mvnw -B -ntp -q test-compile dependency:build-classpath -pl store-milvus -am -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt"
cp="$root/store-milvus/target/test-classes:$root/store-milvus/target/classes:$root/core/target/classes:$(cat "$work/cp.txt")"
jbench() { java -Xmx4g -cp "$cp" dev.imgsearch.store.milvus.bench.MilvusStoreBenchmark "$@" 2>> "$work/java.log"; }
: > "$work/results.txt"
for mode in insert upsert; do
  start_server
  "$venv/bin/python" "$root/benchmarks/milvus/pymilvus_insert.py" "$uri" "$rows" "$dim" "$batch" "$mode" | tee -a "$work/results.txt"
  stop_server
  start_server
  jbench "$uri" "$rows" "$dim" "$batch" 0 "$mode" | tee -a "$work/results.txt"
  stop_server
done
start_server
jbench "$uri" "$rows" "$dim" "$batch" 0 upsert wrapped | tee -a "$work/results.txt"
stop_server
# Search latency on a small collection, where the client's share of the time is largest.
start_server
jbench "$uri" "$search_rows" "$dim" "$batch" "$searches" upsert | tee -a "$work/results.txt"
stop_server
echo "---"
rate() { sed -n "s/^$1 .*rows_per_s=\([0-9]*\).*/\1/p" "$work/results.txt"; }
for mode in insert upsert; do
  py=$(rate "pymilvus_$mode" | head -1); jv=$(rate "java_store_$mode" | head -1)
  echo "bulk $mode, rows/s: MilvusVectorStore $jv vs pymilvus MilvusClient $py (ratio $(python3 -c "print(round($jv/$py, 2))"))"
done
wr=$(rate java_wrapped_upsert | head -1); py=$(rate pymilvus_upsert | head -1)
echo "bulk upsert through milvus-sdk-java's row API (wrapped client): $wr rows/s (ratio $(python3 -c "print(round($wr/$py, 2))"))"
grep '^search_latency' "$work/results.txt"

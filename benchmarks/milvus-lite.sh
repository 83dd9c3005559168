# Sourced by the benchmark scripts: starts a Milvus Lite server of the benchmark venv on a free loopback port, with
# its data in "$1", stops it when the script exits, and sets uri=http://127.0.0.1:PORT once it answers.
#   source benchmarks/milvus-lite.sh DATA_DIR    (needs py= and venv= of benchmarks/python/requirements.txt)
milvus_data="$1"
port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
rm -rf "$milvus_data"
"$venv/bin/milvus-lite" server --data-dir "$milvus_data" --host 127.0.0.1 --port "$port" \
  > "$milvus_data.log" 2>&1 &
milvus_server=$!
trap 'kill $milvus_server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  "$py" -c "from pymilvus import MilvusClient; MilvusClient(uri='http://127.0.0.1:$port').list_collections()" \
    >/dev/null 2>&1 && break
  sleep 1
done
uri="http://127.0.0.1:$port"

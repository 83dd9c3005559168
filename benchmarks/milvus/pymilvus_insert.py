"""Bulk insert of ROWS DIM-d vectors with a path field through pymilvus's MilvusClient.insert, in batches.

The counterpart of MilvusStoreBenchmark's upsert through MilvusVectorStore: same server, schema, batch size.
Usage: python pymilvus_insert.py URI ROWS DIM BATCH [insert|upsert]
"""
import sys
import time

import numpy as np
from pymilvus import DataType, MilvusClient


def main() -> None:
    uri = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:19530"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    dim = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    mode = sys.argv[5] if len(sys.argv) > 5 else "insert"
    client = MilvusClient(uri=uri)
    name = f"bench_pymilvus_{mode}"
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("path", DataType.VARCHAR, max_length=512)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=dim)
    index = client.prepare_index_params()
    index.add_index("vec", index_type="FLAT", metric_type="COSINE")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Bounded")
    rng = np.random.default_rng(42)
    # Data made up front (rows as dicts of Python lists, as MilvusClient.insert takes them): only writes are timed.
    batches = []
    for start in range(0, rows, batch):
        vectors = rng.random((min(batch, rows - start), dim), dtype=np.float32)
        batches.append([{"id": start + i, "path": f"/data/images/{start + i}.jpg", "vec": vectors[i].tolist()}
                        for i in range(len(vectors))])
    t0 = time.perf_counter()
    write = client.insert if mode == "insert" else client.upsert
    for b in batches:
        write(name, b)
    seconds = time.perf_counter() - t0
    print(f"pymilvus_{mode} rows={rows} dim={dim} batch={batch} seconds={seconds:.2f} rows_per_s={rows / seconds:.0f}",
          flush=True)
    client.close()


if __name__ == "__main__":
    main()

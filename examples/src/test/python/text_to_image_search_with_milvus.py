"""The "Text to Image Search with Milvus" tutorial's Milvus code, run as it is written, on the tiny test CLIP.

Ingest (unless --search-only): drop and create `image_collection` in quick-setup mode (512-d, auto id, dynamic
fields, COSINE by default), insert {"vector": encode_image(path), "filepath": path} for every
glob(os.path.join(image_dir, "**/*.JPEG")), where image_dir is "./images_folder/train" relative to --workdir.
Search: the tutorial's milvus_client.search(...) with encode_text(query_text), limit 10, output_fields=["filepath"],
reading hit["entity"]["filepath"]; and the same call with encode_image(--query-image) for the reverse direction.
Prints one JSON object: {"inserted": n, "text": [hit, ...], "image": [hit, ...]}, hit = {"id", "distance",
"filepath"}.

Only the connection (a server URI instead of "milvus.db"), the models (tutorial_models.py) and a wait for the
inserted rows to be searchable (the notebook's pause between cells) differ from the tutorial.

Usage: python text_to_image_search_with_milvus.py --uri URI [--token T] --workdir DIR [--search-only]
       [--query-text TEXT] [--query-image PATH]
"""
import argparse
import json
import os
import time
from glob import glob

from pymilvus import MilvusClient

from tutorial_models import Clip


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--uri", required=True)
    p.add_argument("--token", default="")
    p.add_argument("--workdir", required=True)
    p.add_argument("--search-only", action="store_true")
    p.add_argument("--query-text", default="a white dog")
    p.add_argument("--query-image")
    args = p.parse_args()
    os.chdir(args.workdir)

    model = Clip()
    encode_image = model.encode_image
    encode_text = model.encode_text

    # --- Set up Milvus
    milvus_client = MilvusClient(uri=args.uri, token=args.token)

    collection_name = "image_collection"
    inserted = None
    if not args.search_only:
        # --- Data Ingestion, 1. Create a Milvus Collection
        # Drop the collection if it already exists
        if milvus_client.has_collection(collection_name):
            milvus_client.drop_collection(collection_name)

        # Create a new collection in quickstart mode
        milvus_client.create_collection(
            collection_name=collection_name,
            dimension=512,  # this should match the dimension of the image embedding
            auto_id=True,  # auto generate id and store in the id field
            enable_dynamic_field=True,  # enable dynamic field for scalar fields
        )

        # --- 2. Insert Data into Milvus
        image_dir = "./images_folder/train"
        raw_data = []

        for image_path in glob(os.path.join(image_dir, "**/*.JPEG")):
            image_embedding = encode_image(image_path)
            image_dict = {"vector": image_embedding, "filepath": image_path}
            raw_data.append(image_dict)
        insert_result = milvus_client.insert(collection_name=collection_name, data=raw_data)
        inserted = insert_result["insert_count"]

        # (not in the tutorial) wait until the rows are searchable, as the notebook's pause between cells does
        deadline = time.time() + 60
        while time.time() < deadline:
            n = milvus_client.query(collection_name, filter="", output_fields=["count(*)"],
                                    consistency_level="Strong")[0]["count(*)"]
            if n >= inserted:
                break
            time.sleep(0.2)

    # --- Perform a Search
    def search(query_embedding):
        search_results = milvus_client.search(
            collection_name=collection_name,
            data=[query_embedding],
            limit=10,  # return top 10 results
            output_fields=["filepath"],  # return the filepath field
        )
        hits = []
        for result in search_results:
            for hit in result:
                filename = hit["entity"]["filepath"]
                hits.append({"id": hit["id"], "distance": hit["distance"], "filepath": filename})
        return hits

    query_text = args.query_text
    out = {"inserted": inserted, "text": search(encode_text(query_text))}
    if args.query_image:
        out["image"] = search(encode_image(args.query_image))
    print(json.dumps(out))


if __name__ == "__main__":
    main()

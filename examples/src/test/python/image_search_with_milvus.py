"""The "Image Search with Milvus" tutorial's Milvus code (pymilvus ORM), run as it is written, on the tiny ResNet50.

Ingest (unless --search-only): drop `image_search`, create it with the tutorial's schema (id INT64 primary key with
auto id, filepath VARCHAR(200), image_embedding FLOAT_VECTOR(2048)), an IVF_FLAT L2 index with nlist 16384, load
it, then embed and insert glob('./paintings/paintings/**/*.jpg', recursive=True) (relative to --workdir) in batches
of BATCH_SIZE as columns [paths, embeddings], and flush. Search: the tutorial's
collection.search(embeds, anns_field='image_embedding', param={'nprobe': 128}, limit=TOP_K,
output_fields=['filepath']) for glob('./paintings/test_paintings/**/*.jpg', recursive=True), reading
hit.entity.get('filepath') and hit.distance. Prints one JSON object: {"inserted": n, "queries": [path, ...],
"image": [[hit, ...] per query]}, hit = {"id", "distance", "filepath"}.

Only the connection (a URI instead of host and port), the model (tutorial_models.py) and sorting the glob results
(glob's order is the file system's) differ from the tutorial.

Usage: python image_search_with_milvus.py --uri URI [--token T] --workdir DIR [--search-only]
"""
import argparse
import glob
import json
import os

import numpy as np

from tutorial_models import ResNet50

# Milvus Setup Arguments
COLLECTION_NAME = 'image_search'  # Collection name
DIMENSION = 2048  # Embedding vector size in this example

# Inference Arguments
BATCH_SIZE = 128
TOP_K = 3


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--uri", required=True)
    p.add_argument("--token", default="")
    p.add_argument("--workdir", required=True)
    p.add_argument("--search-only", action="store_true")
    args = p.parse_args()
    os.chdir(args.workdir)

    from pymilvus import connections
    # Connect to the instance
    connections.connect(uri=args.uri, token=args.token)

    from pymilvus import utility
    from pymilvus import FieldSchema, CollectionSchema, DataType, Collection
    from PIL import Image

    model = ResNet50()
    preprocess = model.preprocess
    inserted = None

    if not args.search_only:
        # Remove any previous collections with the same name
        if utility.has_collection(COLLECTION_NAME):
            utility.drop_collection(COLLECTION_NAME)

        # Create collection which includes the id, filepath of the image, and image embedding
        fields = [
            FieldSchema(name='id', dtype=DataType.INT64, is_primary=True, auto_id=True),
            FieldSchema(name='filepath', dtype=DataType.VARCHAR, max_length=200),  # VARCHARS need a maximum length, so for this example they are set to 200 characters
            FieldSchema(name='image_embedding', dtype=DataType.FLOAT_VECTOR, dim=DIMENSION)
        ]
        schema = CollectionSchema(fields=fields)
        collection = Collection(name=COLLECTION_NAME, schema=schema)

        # Create an AutoIndex index for collection
        index_params = {
        'metric_type':'L2',
        'index_type':"IVF_FLAT",
        'params':{'nlist': 16384}
        }
        collection.create_index(field_name="image_embedding", index_params=index_params)
        collection.load()

        # Get the filepaths of the images
        paths = sorted(glob.glob('./paintings/paintings/**/*.jpg', recursive=True))

        # Embed a batch of images and insert it
        def embed(data):
            output = model(np.stack(data[0])).squeeze()
            collection.insert([data[1], output.tolist()])

        data_batch = [[],[]]

        # Read the images into batches for embedding and insertion
        for path in paths:
            im = Image.open(path).convert('RGB')
            data_batch[0].append(preprocess(im))
            data_batch[1].append(path)
            if len(data_batch[0]) % BATCH_SIZE == 0:
                embed(data_batch)
                data_batch = [[],[]]

        # Embed and insert the remainder
        if len(data_batch[0]) != 0:
            embed(data_batch)

        # Call a flush to index any unsealed segments.
        collection.flush()
        inserted = collection.num_entities
    else:
        collection = Collection(name=COLLECTION_NAME)
        collection.load()

    # Get the filepaths of the search images
    search_paths = sorted(glob.glob('./paintings/test_paintings/**/*.jpg', recursive=True))

    # Embed the search images
    def embed(data):
        ret = model(np.stack(data))
        # If more than one image, use squeeze
        if len(ret) > 1:
            return ret.squeeze().tolist()
        # If a single image, use flatten
        else:
            return ret.reshape(len(ret), -1).tolist()

    data_batch = [[],[]]

    for path in search_paths:
        im = Image.open(path).convert('RGB')
        data_batch[0].append(preprocess(im))
        data_batch[1].append(path)

    embeds = embed(data_batch[0])
    res = collection.search(embeds, anns_field='image_embedding', param={'nprobe': 128}, limit=TOP_K, output_fields=['filepath'])

    out = {"inserted": inserted, "queries": data_batch[1], "image": []}
    for hits_i, hits in enumerate(res):
        row = []
        for hit_i, hit in enumerate(hits):
            row.append({"id": hit.id, "distance": hit.distance, "filepath": hit.entity.get('filepath')})
        out["image"].append(row)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

/**
 * The indexing and search pipeline: {@link dev.imgsearch.pipeline.ImageIndex}, one entry point built from an
 * embedder, a store and a collection name, that indexes folders, file lists or bytes and searches by text, image
 * or vector.
 *
 * <h2>The walkthroughs in a few lines each</h2>
 *
 * <p>The "Image Search with Milvus" tutorial: ResNet50 image search over a folder of paintings, batched indexing with a progress bar, the
 * query and its top 3 in one row with distances saved as {@code search_result.png}.
 *
 * <pre>{@code
 * try (var resnet = OnnxEmbedders.resnet50().modelFile(Path.of("resnet50.onnx")).build();
 *      var store = MilvusVectorStore.builder().uri("http://localhost:19530").build();
 *      var index = ImageIndex.builder().embedder(resnet).store(store).collection("image_search").batchSize(128).build()) {
 *   index.index(IndexSource.directory(Path.of("paintings/paintings")).extensions("jpg").build(), progressBar);
 *   Query q = Query.image(Path.of("paintings/test_paintings/a.jpg")).topK(3).build();
 *   ResultGrid.builder().build().write(q, index.search(q), Path.of("search_result.png"));
 * }
 * }</pre>
 *
 * <p>The "Text to Image Search with Milvus" tutorial: CLIP text-to-image search in a local store, the top 10 for "a white dog" as 5 x 2 tiles of 150 px.
 *
 * <pre>{@code
 * try (var clip = OnnxEmbedders.clip().fromHub("Xenova/clip-vit-base-patch32", "main").build();
 *      var store = LuceneVectorStore.open(Path.of("images.db"));
 *      var index = ImageIndex.builder().embedder(clip).store(store).collection("image_collection").build()) {
 *   index.index(IndexSource.directory(Path.of("images_folder/train")).build());
 *   Query q = Query.text("a white dog").topK(10).build();
 *   ResultGrid.builder().tileSize(150).columns(5).showQuery(false).captions(false).gap(0).build()
 *       .write(q, index.search(q), Path.of("result.png"));
 * }
 * }</pre>
 *
 * <p>The Chinese-CLIP tutorials ("Milvus的以文搜图", "玩转多模态搜索"): Chinese-CLIP, text-to-image and image-to-image on one collection, and zero-shot labels.
 *
 * <pre>{@code
 * try (var cn = OnnxEmbedders.chineseClip().modelDirectory(Path.of("chinese-clip-vit-base-patch16")).build();
 *      var index = ImageIndex.builder().embedder(cn).store(store).collection("muge").build()) {
 *   index.index(IndexSource.directory(Path.of("muge/images")).build());
 *   List<ImageHit> byText = index.search(Query.text("金属产品打印").topK(5).build());
 *   List<ImageHit> byImage = index.search(Query.image(Path.of("q.png")).topK(5).excludeQueryImage(true).build());
 *   index.classify(ImageInput.of(Path.of("pokemon.jpeg")), List.of("杰尼龟", "妙蛙种子", "小火龙", "皮卡丘"));
 * }
 * }</pre>
 *
 * <p>The "Milvus向量数据库之以图搜图" tutorial: VGG16 reverse image search over a catalogue with name, url and price, skipping unreadable images
 * (they are listed in the report), searched with a filter.
 *
 * <pre>{@code
 * try (var vgg = OnnxEmbedders.vgg16().modelFile(Path.of("vgg16.onnx")).build();
 *      var index = ImageIndex.builder().embedder(vgg).store(store).collection("products").build()) {
 *   IndexReport r = index.index(IndexSource.directory(Path.of("products")).metadata(catalogue::fieldsOf).build());
 *   r.failures().forEach(f -> log.warn("skipped {}", f));
 *   index.search(Query.image(upload).topK(10).filter(Filters.lt("price", 100)).outputFields("name", "url").build());
 * }
 * }</pre>
 *
 * <h2>Indexing</h2>
 *
 * <p>Decoding and preprocessing run in parallel on a bounded pool, inference in batches, upserts in batches, with
 * back-pressure so memory does not grow with the number of images. Ids are deterministic
 * ({@link dev.imgsearch.pipeline.IdStrategy}): a second run skips unchanged files without reading them,
 * re-embeds changed ones, rewrites moved or touched ones without re-embedding, and with
 * {@linkplain dev.imgsearch.pipeline.IndexSource#sync() sync} removes rows of deleted files. A run that was
 * interrupted, failed or killed is finished by running it again. Bad files (empty, corrupt, truncated,
 * decompression bombs, unsupported, unreadable) and images whose vector or metadata the store refuses (each row
 * is checked once, by the store) are reported in the {@link dev.imgsearch.pipeline.IndexReport} and to the
 * {@link dev.imgsearch.pipeline.IndexListener}, never fatal and never silent. The index owns the threads of its
 * runs and stops them when it is closed.
 *
 * <h2>Testing a store</h2>
 *
 * <p>{@code ImageIndexContract} in this module's test-jar runs the facade's behaviour on any
 * {@link dev.imgsearch.core.store.VectorStore}; the in-memory, Lucene and Milvus stores pass it.
 */
package dev.imgsearch.pipeline;

package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.embed.TextEmbedder;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.image.PixelEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query side of an {@link ImageIndex}: searches with relevance controls and zero-shot classification. Query
 * vectors are checked by the store, which names the dimension it expects. Stateless beyond its settings;
 * thread-safe when the store and the embedder are.
 */
final class IndexSearcher {
  /** Extra hits fetched when the query image is left out, so that leaving it out rarely needs a second search. */
  private static final int EXCLUDE_SLACK = 8;

  private final IndexSettings settings;
  private final PixelEmbedder embedder;

  IndexSearcher(IndexSettings settings) {
    this.settings = settings;
    this.embedder = settings.embedder();
  }

  /** See {@link ImageIndex#search}. */
  List<ImageHit> search(Query query) {
    float[] q = vectorOf(query);
    String queryHash = null;
    String queryPath = null;
    if (query.excludeQueryImage()) {
      ImageInput in = query.image();
      if (in.path() != null) {
        queryPath = FileIds.absolute(in.path());
        queryHash = hashOf(in.path());
      } else if (in.bytes() != null) {
        queryHash = IndexRun.sha256(in.bytes());
      }
    }
    Set<String> outputs = new LinkedHashSet<>(query.outputFields());
    outputs.add(settings.pathField());
    if (!settings.schema().bookkeeping()) {
      queryHash = null; // rows have no content hash: the query image is found by path or by its vector
    }
    if (queryHash != null) {
      outputs.add(IndexFields.CONTENT_HASH);
    }
    double selfScore = embedder.metric().score(q, q);
    int fetch = Math.min(SearchRequest.MAX_TOP_K, query.topK() + (query.excludeQueryImage() ? EXCLUDE_SLACK : 0));
    List<Hit> kept;
    while (true) {
      SearchRequest.Builder req = SearchRequest.builder(settings.collection()).vectorField(settings.vectorField())
          .query(q).topK(fetch).filter(query.filter()).outputFields(new ArrayList<>(outputs));
      query.searchParams().forEach(req::searchParam);
      List<Hit> hits = settings.store().search(req.build()).get(0);
      kept = new ArrayList<>(hits.size());
      for (Hit h : hits) {
        if (!query.excludeQueryImage() || !isQueryImage(h, queryHash, queryPath, selfScore)) {
          kept.add(h);
        }
      }
      if (kept.size() >= query.topK() || hits.size() < fetch || fetch == SearchRequest.MAX_TOP_K) {
        break;
      }
      fetch = Math.min(SearchRequest.MAX_TOP_K, fetch * 4);
    }
    return relevant(query, kept);
  }

  private boolean isQueryImage(Hit h, String hash, String path, double selfScore) {
    if (hash != null) {
      return hash.equals(h.field(IndexFields.CONTENT_HASH))
          || (path != null && path.equals(h.field(settings.pathField())));
    }
    if (path != null && path.equals(h.field(settings.pathField()))) {
      return true;
    }
    // A decoded image: the query is in the index when a hit has exactly its vector.
    return Math.abs(h.score() - selfScore) <= 1e-5 * Math.max(1, Math.abs(selfScore));
  }

  private List<ImageHit> relevant(Query query, List<Hit> hits) {
    MetricType metric = embedder.metric();
    boolean higher = metric.higherIsCloser();
    List<ImageHit> out = new ArrayList<>();
    double best = hits.isEmpty() ? 0 : hits.get(0).score();
    Set<String> wanted = new LinkedHashSet<>(query.outputFields());
    boolean all = wanted.contains("*");
    for (Hit h : hits) {
      double s = h.score();
      if (query.threshold() != null && (higher ? s < query.threshold() : s > query.threshold())) {
        continue;
      }
      if (query.relativeCutoff() != null) {
        double r = query.relativeCutoff();
        boolean close = higher ? s >= best - (1 - r) * Math.abs(best) : s <= best / r;
        if (!close) {
          continue;
        }
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      h.fields().forEach((k, v) -> {
        if (all || wanted.contains(k)) {
          fields.put(k, v);
        }
      });
      Object path = h.field(settings.pathField());
      out.add(new ImageHit(String.valueOf(h.id()), path instanceof String p && !p.isEmpty() ? p : null, h.score(),
          metric, fields));
      if (out.size() == query.topK()) {
        break;
      }
    }
    return List.copyOf(out);
  }

  /** The query's vector; a vector query is passed as it is, for the store to check. */
  private float[] vectorOf(Query query) {
    return switch (query.kind()) {
      case VECTOR -> query.vector();
      case TEXT -> textEmbedder().embedText(query.text());
      case IMAGE -> embedImage(query.image());
    };
  }

  /** Decodes and preprocesses as the index does (its decoder, draft decoding if chosen) and embeds one image. */
  float[] embedImage(ImageInput image) {
    return embedder.embedPixels(List.of(settings.preprocessor().apply(image))).get(0);
  }

  private TextEmbedder textEmbedder() {
    if (embedder instanceof TextEmbedder t) {
      return t;
    }
    throw new InvalidInputException("Model '" + embedder.modelId() + "' embeds images only, so this index cannot "
        + "be searched by text; search by image or vector, or index with a text-and-image model such as CLIP.");
  }

  private static String hashOf(Path file) {
    try {
      return IndexRun.sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      return null; // the decoder has read it already; a file that vanished since is simply not excluded by hash
    }
  }

  // ------------------------------------------------------------------ zero-shot

  /** See {@link ImageIndex#classify(ImageInput, List, String)}. */
  List<LabelProbability> classify(ImageInput image, List<String> labels, String template) {
    ZeroShotClassifier classifier = ZeroShotClassifier.of(multimodal(), labels, template);
    return classifier.classify(embedImage(image));
  }

  /** See {@link ImageIndex#classifyIndexed}. */
  List<LabelProbability> classifyIndexed(String id, List<String> labels, String template) {
    ZeroShotClassifier classifier = ZeroShotClassifier.of(multimodal(), labels, template);
    List<Row> rows = settings.store().get(settings.collection(), List.of(settings.key(id)),
        List.of(settings.vectorField()));
    if (rows.isEmpty()) {
      throw new InvalidInputException("No image with id '" + id + "' in collection '" + settings.collection()
          + "'; pass the id of an indexed image (ImageHit.id()).");
    }
    return classifier.classify(rows.get(0).vector(settings.vectorField()));
  }

  private MultimodalEmbedder multimodal() {
    if (embedder instanceof MultimodalEmbedder m) {
      return m;
    }
    throw new InvalidInputException("Model '" + embedder.modelId() + "' does not embed text, so it cannot classify "
        + "zero-shot; use a text-and-image model such as CLIP or Chinese-CLIP.");
  }
}

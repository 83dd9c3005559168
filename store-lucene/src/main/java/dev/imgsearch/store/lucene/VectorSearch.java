package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.MetricType;
import org.apache.lucene.util.NumericUtils;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.VectorUtil;

/**
 * Finds candidate documents for a vector query, by an exact scan or through the HNSW graph, and scores them
 * exactly. Candidates are ranked in float precision with Lucene's SIMD vector functions; the returned scores are
 * then computed in double precision from the stored vectors with {@link MetricType#score}, so they are Milvus's
 * numbers (squared L2, inner product, cosine) and equal the in-memory store's.
 */
final class VectorSearch {
  /**
   * Candidates beyond the page that an exact scan keeps while it runs, and that IP searches score exactly, so that
   * float rounding cannot change the final order (see {@link #exactCount}).
   */
  static final int EXACT_MARGIN = 16;

  /**
   * A filtered search scans a segment exactly when the filter accepts at most this fraction of its documents, and
   * walks the graph (Lucene 10's filtered HNSW) above it. Measured at 100,000 x 512-d (benchmarks/lucene/RESULTS.md,
   * 2026-12-04): exact 3.2x and 4.0x faster than the graph at 1% and 5% of the rows (recall 1.0 either way), the
   * graph 1.7x and 8x faster at 20% and 50%.
   */
  static final double EXACT_FILTER_FRACTION = 0.1;

  private VectorSearch() {}

  /** The documents a search may return, per segment: the filter's matches that are live; null entries accept all live. */
  static final class Accept {
    private final Bits[] perLeaf;

    private Accept(Bits[] perLeaf) {
      this.perLeaf = perLeaf;
    }

    /** Evaluates a filter once for a batch of queries; {@code filter} null accepts every live document. */
    static Accept of(IndexSearcher searcher, Query filter) throws IOException {
      List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
      Bits[] bits = new Bits[leaves.size()];
      Weight weight = filter == null ? null
          : searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
      for (LeafReaderContext leaf : leaves) {
        Bits live = leaf.reader().getLiveDocs();
        if (weight == null) {
          bits[leaf.ord] = live;
          continue;
        }
        FixedBitSet set = new FixedBitSet(Math.max(1, leaf.reader().maxDoc()));
        Scorer scorer = weight.scorer(leaf);
        if (scorer != null) {
          DocIdSetIterator it = scorer.iterator();
          for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            if (live == null || live.get(doc)) {
              set.set(doc);
            }
          }
        }
        bits[leaf.ord] = set;
      }
      return new Accept(bits);
    }

    Bits forLeaf(LeafReaderContext leaf) {
      return perLeaf[leaf.ord];
    }
  }

  /**
   * The documents (global ids) that can be among the best {@code window} by exact score, by an exact scan in float
   * precision, best first: the best {@code window}, and those within float rounding of the last of them (see
   * {@link #exactCount}). Should more documents than {@link #EXACT_MARGIN} beyond the window tie with it (rows with
   * one vector), a second scan collects every one of them, so that ties are broken by primary key.
   */
  static int[] scan(IndexSearcher searcher, String field, MetricType metric, float[] query, Accept accept,
      int window, int dim) throws IOException {
    int capacity = window + EXACT_MARGIN;
    TopHeap heap = new TopHeap(capacity);
    forEachAccepted(searcher, field, accept, (doc, vector) -> heap.offer(doc, closeness(metric, query, vector)));
    Candidates best = heap.bestFirst();
    float[] closeness = best.similarities();
    int size = best.size();
    if (size == capacity && reaches(metric, closeness[window - 1], closeness[size - 1], dim)) {
      float last = closeness[window - 1];
      TopHeap all = new TopHeap(Math.max(1, searcher.getIndexReader().maxDoc())); // rare: many ties
      forEachAccepted(searcher, field, accept, (doc, vector) -> {
        float c = closeness(metric, query, vector);
        if (reaches(metric, last, c, dim)) {
          all.offer(doc, c);
        }
      });
      best = all.bestFirst();
      return best.docs();
    }
    int n = exactCount(metric, closeness, size, window, dim);
    return n == size ? best.docs() : Arrays.copyOf(best.docs(), n);
  }

  /** Receives the vectors of a scan. */
  private interface VectorConsumer {
    void accept(int doc, float[] vector);
  }

  private static void forEachAccepted(IndexSearcher searcher, String field, Accept accept, VectorConsumer consumer)
      throws IOException {
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
      if (values == null) {
        continue;
      }
      Bits ok = accept.forLeaf(leaf);
      int base = leaf.docBase;
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (ok == null || ok.get(doc)) {
          consumer.accept(base + doc, values.vectorValue(it.index()));
        }
      }
    }
  }

  /** Higher is closer; float precision, for ranking candidates only. */
  static float closeness(MetricType metric, float[] a, float[] b) {
    float s = switch (metric) {
      case L2 -> -VectorUtil.squareDistance(a, b);
      case IP -> VectorUtil.dotProduct(a, b);
      case COSINE -> VectorUtil.cosine(a, b);
    };
    return Float.isNaN(s) ? 0f : s; // cosine with a zero vector: Milvus's score is 0
  }

  /** Documents (global ids) with their similarities on a graph field's scale, best first. */
  record Candidates(int[] docs, float[] similarities) {
    int size() {
      return docs.length;
    }
  }

  /**
   * The HNSW graph's best {@code k} documents (global ids) among those {@code accept} accepts, best first by the
   * graph field's similarity. Each segment's graph is searched directly; where a filter leaves at most {@code k}
   * documents in a segment, or at most {@link #EXACT_FILTER_FRACTION} of them, or the graph search would visit more
   * nodes than the filter accepts, that segment is scanned exactly instead (as Lucene's {@code KnnFloatVectorQuery}
   * does for the first and last), so filtered searches keep their recall.
   */
  static Candidates graph(IndexSearcher searcher, String field, float[] query, Accept accept, boolean filtered,
      int k) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    if (leaves.size() == 1 && !filtered) {
      // One segment (a bulk-loaded or merged collection): Lucene's hits are the answer, best first already.
      LeafReaderContext leaf = leaves.get(0);
      TopDocs top = leaf.reader().searchNearestVectors(field, query, k, allLive(leaf, accept), Integer.MAX_VALUE);
      int[] docs = new int[top.scoreDocs.length];
      float[] similarities = new float[docs.length];
      for (int i = 0; i < docs.length; i++) {
        docs[i] = leaf.docBase + top.scoreDocs[i].doc;
        similarities[i] = top.scoreDocs[i].score;
      }
      return new Candidates(docs, similarities);
    }
    TopHeap heap = new TopHeap(k);
    for (LeafReaderContext leaf : leaves) {
      LeafReader reader = leaf.reader();
      Bits ok = accept.forLeaf(leaf);
      if (filtered) {
        int cost = ((FixedBitSet) ok).cardinality();
        if (cost == 0) {
          continue;
        }
        if (cost > k && cost > EXACT_FILTER_FRACTION * reader.maxDoc()) {
          // The filter's matches as an iterator with their count, so that Lucene chooses its filtered-graph
          // strategy (it explores past rejected nodes when the filter is selective) by the filter's selectivity.
          FixedBitSet set = (FixedBitSet) ok;
          AcceptDocs filter = AcceptDocs.fromIteratorSupplier(() -> new BitSetIterator(set, cost), null,
              reader.maxDoc());
          TopDocs top = reader.searchNearestVectors(field, query, k, filter, cost + 1);
          if (top.totalHits.relation() == TotalHits.Relation.EQUAL_TO) {
            offer(heap, leaf, top);
            continue;
          }
        }
        scanLeaf(heap, leaf, field, query, ok);
      } else {
        offer(heap, leaf, reader.searchNearestVectors(field, query, k, allLive(leaf, accept), Integer.MAX_VALUE));
      }
    }
    return heap.bestFirst();
  }

  /** The documents of an unfiltered search in a segment: its live documents. */
  private static AcceptDocs allLive(LeafReaderContext leaf, Accept accept) {
    return AcceptDocs.fromLiveDocs(accept.forLeaf(leaf), leaf.reader().maxDoc());
  }

  /**
   * A graph similarity (Lucene's scale, see {@link VectorSimilarityFunction}) as a closeness on the scale of
   * {@link #closeness}: the negated squared distance for EUCLIDEAN, the cosine or inner product otherwise.
   */
  static float closenessOf(VectorSimilarityFunction similarity, float score) {
    return switch (similarity) {
      case EUCLIDEAN -> 1f - 1f / score; // score = 1 / (1 + d^2)
      case DOT_PRODUCT, COSINE -> 2f * score - 1f; // score = (1 + cos) / 2
      case MAXIMUM_INNER_PRODUCT -> score < 1f ? 1f - 1f / score : score - 1f; // 1 / (1 - dot) below 0, dot + 1
    };
  }

  /**
   * How many of the leading candidates (best first by a float closeness, {@link #closeness}'s scale) must be
   * scored exactly so that the best {@code window} by exact score, ties broken by primary key, are among them: the
   * first {@code window}, and every later one whose closeness is within float rounding of the {@code window}-th's.
   * Float rounding of a similarity over {@code dim} dimensions is bounded by {@code dim * 2^-24} times the sum of
   * the terms' magnitudes (the squared distance for L2, at most 1 for unit vectors under COSINE). For inner
   * products (IP), whose terms' magnitudes are not known here, a fixed margin of {@link #EXACT_MARGIN} candidates
   * is kept, and every candidate tied with the {@code window}-th.
   */
  static int exactCount(MetricType metric, float[] closeness, int size, int window, int dim) {
    if (size <= window) {
      return size;
    }
    float last = closeness[window - 1];
    int n = metric == MetricType.IP ? Math.min(size, window + EXACT_MARGIN) : window;
    while (n < size && reaches(metric, last, closeness[n], dim)) {
      n++;
    }
    return n;
  }

  /**
   * Whether a candidate's float closeness {@code c} may, after exact scoring, tie with or beat {@code last}: within
   * the rounding bounds of both (for IP, a tie or better in float).
   */
  private static boolean reaches(MetricType metric, float last, float c, int dim) {
    if (metric == MetricType.IP) {
      return c >= last;
    }
    return (double) c >= last - bound(metric, last, dim) - bound(metric, c, dim);
  }

  /** A bound on the float rounding of a closeness, with a factor of 2 to spare. */
  private static double bound(MetricType metric, float closeness, int dim) {
    double eps = 0x1p-24;
    double scale = metric == MetricType.L2 ? Math.abs((double) closeness) : 1;
    return 2 * (dim + 4) * eps * (scale + 1);
  }

  private static void offer(TopHeap heap, LeafReaderContext leaf, TopDocs top) {
    for (ScoreDoc sd : top.scoreDocs) {
      heap.offer(leaf.docBase + sd.doc, sd.score);
    }
  }

  /** Scores every accepted document of a segment with the field's own similarity (the graph's scale). */
  private static void scanLeaf(TopHeap heap, LeafReaderContext leaf, String field, float[] query, Bits ok)
      throws IOException {
    FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
    if (values == null) {
      return;
    }
    FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
    VectorSimilarityFunction similarity = info.getVectorSimilarityFunction();
    KnnVectorValues.DocIndexIterator it = values.iterator();
    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
      if (ok == null || ok.get(doc)) {
        heap.offer(leaf.docBase + doc, similarity.compare(query, values.vectorValue(it.index())));
      }
    }
  }

  /**
   * The vectors of documents (global ids), read from the index; null for a document without one. Reads each
   * segment's vectors in document order.
   */
  static float[][] vectors(IndexReader reader, String field, int[] docs) throws IOException {
    float[][] out = new float[docs.length][];
    forEachVector(reader, field, docs, (i, vector) -> out[i] = vector.clone());
    return out;
  }

  /**
   * The exact scores ({@link MetricType#score}, Milvus's numbers) of documents (global ids) that have a vector in
   * {@code field}, as {@link #vectors} reads them but scored in place, without copying the vectors.
   */
  static double[] scores(IndexReader reader, String field, int[] docs, MetricType metric, float[] query)
      throws IOException {
    double[] out = new double[docs.length];
    forEachVector(reader, field, docs, (i, vector) -> out[i] = metric.score(query, vector));
    return out;
  }

  /** Receives the vector of the document at position {@code i}; the array is reused after the call returns. */
  interface IndexedVectorConsumer {
    void accept(int i, float[] vector);
  }

  /** Reads the vectors of documents (global ids), each segment in document order; skips documents without one. */
  static void forEachVector(IndexReader reader, String field, int[] docs, IndexedVectorConsumer consumer)
      throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    int currentLeaf = -1;
    FloatVectorValues values = null;
    KnnVectorValues.DocIndexIterator it = null;
    for (int i : inDocOrder(docs)) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      LeafReaderContext leaf = leaves.get(leafIndex);
      if (leafIndex != currentLeaf) {
        currentLeaf = leafIndex;
        LeafReader r = leaf.reader();
        values = r.getFloatVectorValues(field);
        it = values == null ? null : values.iterator();
      }
      if (values == null) {
        continue;
      }
      int local = docs[i] - leaf.docBase;
      int at = it.docID() >= local ? it.docID() : it.advance(local);
      if (at == local) {
        consumer.accept(i, values.vectorValue(it.index()));
      }
    }
  }

  /** The positions of {@code docs}, in increasing order of their document. */
  static int[] inDocOrder(int[] docs) {
    long[] keyed = new long[docs.length];
    for (int i = 0; i < docs.length; i++) {
      keyed[i] = ((long) docs[i] << 32) | i;
    }
    Arrays.sort(keyed);
    int[] order = new int[docs.length];
    for (int i = 0; i < docs.length; i++) {
      order[i] = (int) keyed[i];
    }
    return order;
  }

  /** A bounded min-heap of (closeness, doc) keeping the {@code capacity} closest. */
  static final class TopHeap {
    private final float[] scores;
    private final int[] docs;
    private int size;

    TopHeap(int capacity) {
      scores = new float[capacity];
      docs = new int[capacity];
    }

    void offer(int doc, float score) {
      if (size < scores.length) {
        scores[size] = score;
        docs[size] = doc;
        up(size++);
      } else if (score > scores[0]) {
        scores[0] = score;
        docs[0] = doc;
        down(0);
      }
    }

    int[] docs() {
      return Arrays.copyOf(docs, size);
    }

    /** The documents with their scores, highest score first. */
    Candidates bestFirst() {
      long[] order = new long[size];
      for (int i = 0; i < size; i++) {
        // Descending score: the sortable bits of the score, inverted, then the slot.
        order[i] = ((long) ~NumericUtils.floatToSortableInt(scores[i]) << 32) | i;
      }
      Arrays.sort(order);
      int[] d = new int[size];
      float[] sc = new float[size];
      for (int i = 0; i < size; i++) {
        int slot = (int) order[i];
        d[i] = docs[slot];
        sc[i] = scores[slot];
      }
      return new Candidates(d, sc);
    }

    private void up(int i) {
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (scores[parent] <= scores[i]) {
          break;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void down(int i) {
      while (true) {
        int l = 2 * i + 1;
        if (l >= size) {
          return;
        }
        int smallest = l + 1 < size && scores[l + 1] < scores[l] ? l + 1 : l;
        if (scores[i] <= scores[smallest]) {
          return;
        }
        swap(i, smallest);
        i = smallest;
      }
    }

    private void swap(int a, int b) {
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
      int d = docs[a];
      docs[a] = docs[b];
      docs[b] = d;
    }
  }
}

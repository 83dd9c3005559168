package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.MetricType;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;
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
  /** Extra candidates an exact scan keeps beyond the page, so that float rounding cannot change the final order. */
  static final int EXACT_MARGIN = 16;

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

  /** The best {@code size} documents (global ids) by an exact scan, in no particular order. */
  static int[] scan(IndexSearcher searcher, String field, MetricType metric, float[] query, Accept accept, int size)
      throws IOException {
    TopHeap heap = new TopHeap(size);
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
      if (values == null) {
        continue;
      }
      Bits ok = accept.forLeaf(leaf);
      int base = leaf.docBase;
      for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
        if (ok != null && !ok.get(doc)) {
          continue;
        }
        heap.offer(base + doc, closeness(metric, query, values.vectorValue()));
      }
    }
    return heap.docs();
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

  /**
   * The HNSW graph's best {@code k} documents (global ids) among those {@code accept} accepts, best first by the
   * graph field's similarity. Each segment's graph is searched directly; where a filter leaves at most {@code k}
   * documents in a segment, or the graph search would visit more nodes than the filter accepts, that segment is
   * scanned exactly instead (as Lucene's {@code KnnFloatVectorQuery} does), so filtered searches keep their recall.
   */
  static int[] graph(IndexSearcher searcher, String field, float[] query, Accept accept, boolean filtered, int k)
      throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    TopHeap heap = new TopHeap(k);
    for (LeafReaderContext leaf : leaves) {
      LeafReader reader = leaf.reader();
      Bits ok = accept.forLeaf(leaf);
      if (filtered) {
        int cost = ((FixedBitSet) ok).cardinality();
        if (cost == 0) {
          continue;
        }
        if (cost > k) {
          TopDocs top = reader.searchNearestVectors(field, query, k, ok, cost + 1);
          if (top.totalHits.relation == TotalHits.Relation.EQUAL_TO) {
            offer(heap, leaf, top);
            continue;
          }
        }
        scanLeaf(heap, leaf, field, query, ok);
      } else {
        offer(heap, leaf, reader.searchNearestVectors(field, query, k, ok, Integer.MAX_VALUE));
      }
    }
    return heap.docsBestFirst();
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
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      if (ok == null || ok.get(doc)) {
        heap.offer(leaf.docBase + doc, similarity.compare(query, values.vectorValue()));
      }
    }
  }

  /**
   * The vectors of documents (global ids), read from the index; null for a document without one. Reads each
   * segment's vectors in document order.
   */
  static float[][] vectors(IndexReader reader, String field, int[] docs) throws IOException {
    float[][] out = new float[docs.length][];
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < docs.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(docs[x], docs[y]));
    List<LeafReaderContext> leaves = reader.leaves();
    int currentLeaf = -1;
    FloatVectorValues values = null;
    for (int i : order) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      LeafReaderContext leaf = leaves.get(leafIndex);
      if (leafIndex != currentLeaf) {
        currentLeaf = leafIndex;
        LeafReader r = leaf.reader();
        values = r.getFloatVectorValues(field);
      }
      if (values == null) {
        continue;
      }
      int local = docs[i] - leaf.docBase;
      int at = values.docID() >= local ? values.docID() : values.advance(local);
      if (at == local) {
        out[i] = values.vectorValue().clone();
      }
    }
    return out;
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

    /** The documents, highest score first. */
    int[] docsBestFirst() {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
      int[] out = new int[size];
      for (int i = 0; i < size; i++) {
        out[i] = docs[order[i]];
      }
      return out;
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

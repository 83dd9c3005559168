package dev.imgsearch.store.milvus.bench;

import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.store.milvus.MilvusVectorStore;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Random;

/**
 * A benchmark, not a test: bulk upsert through {@link MilvusVectorStore} (rows per second), and search latency
 * through the store against direct {@link MilvusClientV2#search} calls with the same request on the same client.
 * Run by {@code benchmarks/milvus/run.sh}, which also runs the pymilvus side on the same server.
 *
 * <p>Arguments: {@code uri rows dim batch searches mode [wrapped]}, mode {@code upsert} (default) or {@code insert};
 * {@code wrapped} writes through a store on a caller's {@link MilvusClientV2} ({@link MilvusVectorStore#wrap}),
 * that is through milvus-sdk-java's row API, for comparison with the columns a built store sends.
 */
public final class MilvusStoreBenchmark {
  private MilvusStoreBenchmark() {}

  public static void main(String[] args) {
    String uri = args.length > 0 ? args[0] : "http://127.0.0.1:19530";
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int dim = args.length > 2 ? Integer.parseInt(args[2]) : 512;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    int searches = args.length > 4 ? Integer.parseInt(args[4]) : 300;
    boolean upsert = args.length <= 5 || args[5].equals("upsert");
    boolean wrapped = args.length > 6 && args[6].equals("wrapped");
    MilvusClientV2 own = wrapped ? new MilvusClientV2(ConnectConfig.builder().uri(uri).build()) : null;
    try (MilvusVectorStore store = wrapped
        ? MilvusVectorStore.builder().uri(uri).consistency(ConsistencyLevel.BOUNDED).wrap(own)
        : MilvusVectorStore.builder().uri(uri).consistency(ConsistencyLevel.BOUNDED).build()) {
      String side = (wrapped ? "java_wrapped_" : "java_store_") + (upsert ? "upsert" : "insert");
      String name = "bench_" + side;
      store.dropCollection(name);
      store.createCollection(CollectionSpec.builder(name)
          .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
          .field(FieldSpec.varchar("path", 512))
          .field(FieldSpec.vector("vec", dim, MetricType.COSINE, IndexSpec.flat()))
          .build());
      Random r = new Random(42);
      // Data made up front, as the Python side does, so that only the write path is timed.
      List<List<Row>> batches = new ArrayList<>();
      for (int start = 0; start < rows; start += batch) {
        List<Row> b = new ArrayList<>(batch);
        for (int i = start; i < Math.min(rows, start + batch); i++) {
          float[] v = new float[dim];
          for (int d = 0; d < dim; d++) {
            v[d] = r.nextFloat();
          }
          b.add(Row.builder().put("id", (long) i).put("path", "/data/images/" + i + ".jpg").put("vec", v).build());
        }
        batches.add(b);
      }
      long t0 = System.nanoTime();
      for (List<Row> b : batches) {
        if (upsert) {
          store.upsert(name, b);
        } else {
          store.insert(name, b);
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%s rows=%d dim=%d batch=%d seconds=%.2f rows_per_s=%.0f%n",
          side, rows, dim, batch, seconds, rows / seconds);
      if (searches == 0) {
        return;
      }

      // Search latency: the same requests through the store and straight through the SDK client, interleaved.
      MilvusClientV2 client = store.nativeClient();
      float[][] queries = new float[searches][dim];
      for (float[] q : queries) {
        for (int d = 0; d < dim; d++) {
          q[d] = r.nextFloat();
        }
      }
      store.flush(name);
      for (int i = 0; i < 20; i++) { // warm up both paths (class loading, JIT, collection load)
        storeSearch(store, name, queries[i]);
        directSearch(client, name, queries[i]);
      }
      long[] viaStore = new long[searches];
      long[] direct = new long[searches];
      for (int i = 0; i < searches; i++) {
        if (i % 2 == 0) {
          viaStore[i] = storeSearch(store, name, queries[i]);
          direct[i] = directSearch(client, name, queries[i]);
        } else {
          direct[i] = directSearch(client, name, queries[i]);
          viaStore[i] = storeSearch(store, name, queries[i]);
        }
      }
      double mStore = median(viaStore) / 1e6;
      double mDirect = median(direct) / 1e6;
      System.out.printf("search_latency_ms searches=%d topK=10 store_median=%.3f direct_median=%.3f "
          + "overhead_pct=%.1f store_p90=%.3f direct_p90=%.3f%n", searches, mStore, mDirect,
          100 * (mStore - mDirect) / mDirect, pct(viaStore, 0.9) / 1e6, pct(direct, 0.9) / 1e6);
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }

  private static long storeSearch(MilvusVectorStore store, String name, float[] q) {
    long t = System.nanoTime();
    store.search(SearchRequest.builder(name).query(q).topK(10).outputFields("path").build());
    return System.nanoTime() - t;
  }

  private static long directSearch(MilvusClientV2 client, String name, float[] q) {
    long t = System.nanoTime();
    client.search(SearchReq.builder().collectionName(name).annsField("vec").data(List.of(new FloatVec(q))).limit(10)
        .outputFields(List.of("path")).searchParams(new HashMap<>()).consistencyLevel(ConsistencyLevel.BOUNDED)
        .build());
    return System.nanoTime() - t;
  }

  private static double median(long[] xs) {
    return pct(xs, 0.5);
  }

  private static double pct(long[] xs, double p) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.round(p * (s.length - 1)))];
  }
}

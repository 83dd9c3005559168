package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import io.milvus.v2.common.ConsistencyLevel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults: no server at the URI, and a server that dies in the middle of a run and comes back on the same data.
 * The second test starts its own Milvus Lite (so that killing it disturbs no other test).
 */
@ExtendWith(MilvusServerExtension.class)
class FaultsIT {
  private static final int DIM = 8;

  @Test
  void noServerAtTheUriFailsFastWithAMessageThatNamesItAndSaysWhatToDo() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String uri = "http://127.0.0.1:" + port;
    long start = System.nanoTime();
    assertThatThrownBy(() -> MilvusVectorStore.builder().uri(uri).connectTimeout(Duration.ofSeconds(2)).build())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining(uri)
        .hasMessageContaining("milvus-lite server --data-dir ./milvus-data --host 127.0.0.1")
        .hasMessageContaining("Docker");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aServerThatDiesMidRunFailsCallsClearlyAndKeepsEveryAcknowledgedRowAfterARestart() {
    MilvusLiteServer server = ownServer("milvus-lite-restart");
    if (server == null) {
      return;
    }
    try (server; MilvusVectorStore store = MilvusVectorStore.builder().uri(server.uri())
        .consistency(ConsistencyLevel.STRONG)
        .rpcTimeout(Duration.ofSeconds(3))
        .retry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200)))
        .build()) {
      String name = "faults_restart";
      store.createCollection(CollectionSpec.builder(name)
          .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
          .field(FieldSpec.varchar("path", 256))
          .field(FieldSpec.vector("vec", DIM, MetricType.L2))
          .build());
      List<Row> rows = rows(300);
      store.upsert(name, rows.subList(0, 200));    // acknowledged, not flushed
      store.insert(name, rows.subList(200, 300));  // acknowledged, not flushed
      assertThat(store.count(name)).isEqualTo(300);

      server.kill(); // as a crash: no clean shutdown

      long start = System.nanoTime();
      assertThatThrownBy(() -> store.upsert(name, rows.subList(0, 10)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(server.uri());
      assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM]).build()))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(server.uri())
          .hasMessageContaining("retried");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails within the configured timeouts")
          .isLessThan(Duration.ofSeconds(40));

      server.restart();

      long count = eventually(() -> store.count(name));
      assertThat(count).isEqualTo(300);
      List<Object> ids = rows.stream().map(r -> r.get("id")).toList();
      List<Row> back = store.get(name, ids, List.of("path", "vec"));
      assertThat(back).hasSize(300);
      for (int i = 0; i < 300; i++) {
        assertThat(back.get(i).get("path")).isEqualTo(rows.get(i).get("path"));
        assertThat(back.get(i).vector("vec")).containsExactly(rows.get(i).vector("vec"));
      }
      Hit best = store.search(SearchRequest.builder(name).query(rows.get(123).vector("vec")).topK(1).build())
          .get(0).get(0);
      assertThat(best.id()).isEqualTo(123L);
      store.upsert(name, rows.subList(0, 5)); // writes work again
      assertThat(store.count(name)).isEqualTo(300);
    }
  }

  @Test
  void idempotentCallsRideOutAShortOutageButAutoIdInsertsAreNotRetried() throws Exception {
    MilvusLiteServer server = ownServer("milvus-lite-retry");
    if (server == null) {
      return;
    }
    try (server; MilvusVectorStore store = MilvusVectorStore.builder().uri(server.uri())
        .consistency(ConsistencyLevel.STRONG)
        .rpcTimeout(Duration.ofSeconds(2))
        .retry(new RetryPolicy(30, Duration.ofMillis(200), Duration.ofSeconds(1)))
        .build()) {
      String name = "faults_retry";
      store.createCollection(CollectionSpec.builder(name)
          .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
          .field(FieldSpec.varchar("path", 256))
          .field(FieldSpec.vector("vec", DIM, MetricType.L2))
          .autoId(true)
          .build());
      List<Row> rows = rows(50).stream()
          .map(r -> Row.builder().put("path", r.get("path")).put("vec", r.get("vec")).build()).toList();
      List<Object> first = store.insert(name, rows.subList(0, 20));

      server.kill();
      // An insert with server-generated ids fails at once (one attempt), and says why it is not retried.
      assertThatThrownBy(() -> store.insert(name, rows.subList(20, 30)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("not retried");

      // An idempotent call made while the server is down succeeds once it is back, through the retries.
      Thread restarter = new Thread(() -> {
        try {
          Thread.sleep(1500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        server.restart();
      });
      restarter.start();
      long start = System.nanoTime();
      List<Row> got = store.get(name, first, List.of("path"));
      restarter.join();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
      assertThat(got).extracting(r -> r.get("path"))
          .containsExactlyElementsOf(rows.subList(0, 20).stream().map(r -> r.get("path")).toList());
      assertThat(store.count(name)).as("the refused auto-id insert wrote nothing").isEqualTo(20);
    }
  }

  /** A Milvus Lite of this test's own, or null (test aborted) when none can start and none is required. */
  private static MilvusLiteServer ownServer(String name) {
    try {
      return MilvusLiteServer.start(MilvusServerExtension.python(), MilvusServerExtension.workDir(), name,
          MilvusServerExtension.startTimeout());
    } catch (RuntimeException e) {
      if (MilvusServerExtension.required()) {
        throw e;
      }
      Assumptions.abort("This test runs its own Milvus Lite, which could not start: " + e.getMessage());
      return null;
    }
  }

  /** Retries a call while the client reconnects to a restarted server (gRPC backs off between attempts). */
  private static <T> T eventually(Supplier<T> call) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return call.get();
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static List<Row> rows(int n) {
    Random r = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = r.nextFloat();
      }
      rows.add(Row.builder().put("id", (long) i).put("path", "/photos/img_" + i + ".jpg").put("vec", v).build());
    }
    return rows;
  }
}

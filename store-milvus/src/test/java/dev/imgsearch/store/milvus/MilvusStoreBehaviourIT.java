package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.filter.FilterSyntaxException;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the Milvus store does beyond core's contract: escaping, validation before sending, secrets, batching. */
@ExtendWith(MilvusServerExtension.class)
class MilvusStoreBehaviourIT {
  private static final int DIM = 4;
  private static final String SECRET = "S3cret-Pa55word-never-shown";
  private static MilvusEndpoint endpoint;
  private static MilvusVectorStore store;
  private final List<String> created = new ArrayList<>();

  @BeforeAll
  static void open(MilvusEndpoint e) {
    endpoint = e;
    store = e.storeBuilder().consistency(ConsistencyLevel.STRONG).build();
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
  }

  @AfterEach
  void drop() {
    created.forEach(store::dropCollection);
  }

  private String newName() {
    String name = "beh_" + Long.toHexString(System.nanoTime());
    created.add(name);
    return name;
  }

  private String namesCollection(List<String> names) {
    String name = newName();
    store.createCollection(CollectionSpec.builder(name)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.varchar("name", 1000))
        .field(FieldSpec.vector("vec", DIM, MetricType.L2))
        .build());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      rows.add(Row.builder().put("id", (long) i).put("name", names.get(i)).put("vec", new float[] {i, 0, 0, 0}).build());
    }
    store.insert(name, rows);
    return name;
  }

  @Test
  void hostileFilterValuesMatchOnlyThemselves() {
    List<String> names = List.of("plain", "quote \" inside", "back\\slash", "\" or 1 == 1 or name == \"",
        "it's", "汉字 ünïcode ✓", "percent % and _ underscore", "x".repeat(900), "new\nline\ttab");
    String name = namesCollection(names);
    for (int i = 0; i < names.size(); i++) {
      List<Row> got = store.query(QueryRequest.builder(name).filter(Filters.eq("name", names.get(i))).build());
      assertThat(got).as("name %s", names.get(i)).extracting(r -> r.get("id")).containsExactly((long) i);
    }
    // An injection attempt is a value like any other: it matches no row instead of every row.
    Filter injection = Filters.eq("name", "nothing\" or id >= 0 or name == \"");
    assertThat(store.query(QueryRequest.builder(name).filter(injection).build())).isEmpty();
    assertThat(store.search(SearchRequest.builder(name).query(new float[DIM]).filter(injection).build()).get(0))
        .isEmpty();
    store.deleteWhere(name, injection);
    assertThat(store.count(name)).isEqualTo(names.size());
    // like with the SDK's escaping of wildcards: the literal "%" and "_" match only the row that has them.
    assertThat(store.query(QueryRequest.builder(name).filter(Filters.contains("name", "% and _")).build()))
        .extracting(r -> r.get("id")).containsExactly(6L);
    assertThat(store.query(QueryRequest.builder(name).filter(Filters.startsWith("name", "quote \"")).build()))
        .extracting(r -> r.get("id")).containsExactly(1L);
  }

  @Test
  void hostilePrimaryKeysAreEscapedInGetAndDeleteByIds() {
    // milvus-sdk-java's own get(ids)/delete(ids) quote VARCHAR keys without escaping them; the store does not use them.
    String name = newName();
    store.createCollection(CollectionSpec.builder(name)
        .primaryKey(FieldSpec.varchar("pk", 200))
        .field(FieldSpec.vector("vec", DIM, MetricType.L2))
        .build());
    List<String> keys = List.of("plain", "x\", \"plain", "x\" or pk != \"", "back\\slash\\", "quote\"", "汉字");
    List<Row> rows = new ArrayList<>();
    for (String k : keys) {
      rows.add(Row.builder().put("pk", k).put("vec", new float[DIM]).build());
    }
    store.insert(name, rows);
    for (String k : keys) {
      assertThat(store.get(name, List.of(k), List.of())).as("get %s", k).extracting(r -> r.get("pk"))
          .containsExactly(k);
    }
    store.delete(name, List.of("x\", \"plain"));
    assertThat(store.count(name)).as("only the row with that very key is deleted").isEqualTo(keys.size() - 1);
    assertThat(store.get(name, List.of("plain"), List.of())).hasSize(1);
    store.delete(name, List.of("x\" or pk != \""));
    assertThat(store.count(name)).isEqualTo(keys.size() - 2);
    assertThat(store.get(name, keys, List.of())).extracting(r -> r.get("pk"))
        .containsExactly("plain", "back\\slash\\", "quote\"", "汉字");
  }

  @Test
  void rawExpressionsAreParsedAndCheckedBeforeAnythingIsSent() {
    String name = namesCollection(List.of("a", "b"));
    assertThatThrownBy(() -> QueryRequest.builder(name).filter("name == \"a\" or or").build())
        .isInstanceOf(FilterSyntaxException.class);
    assertThatThrownBy(() -> store.query(QueryRequest.builder(name).filter("colour == \"red\"").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("colour").hasMessageContaining("name");
    assertThatThrownBy(() -> store.deleteWhere(name, Filter.parse("nope > 1")))
        .isInstanceOf(SchemaException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM]).filter("id == \"x\"")
        .build())).isInstanceOf(SchemaException.class).hasMessageContaining("id");
    assertThat(store.count(name)).isEqualTo(2);
  }

  @Test
  void aCollectionWithAnotherSchemaIsReportedWithItsDifferences() {
    String name = newName();
    CollectionSpec spec = CollectionSpec.builder(name)
        .primaryKey(FieldSpec.varchar("pk", 64))
        .field(FieldSpec.vector("vec", 8, MetricType.COSINE, IndexSpec.hnsw(16, 200)))
        .build();
    store.createCollection(spec);
    store.createCollection(spec); // equal: nothing happens
    CollectionSpec otherDim = CollectionSpec.builder(name).primaryKey(FieldSpec.varchar("pk", 64))
        .field(FieldSpec.vector("vec", 16, MetricType.COSINE, IndexSpec.hnsw(16, 200))).build();
    assertThatThrownBy(() -> store.createCollection(otherDim)).isInstanceOf(SchemaException.class)
        .hasMessageContaining(name).hasMessageContaining("vec").hasMessageContaining("16")
        .hasMessageContaining("dropCollection");
    CollectionSpec otherIndex = CollectionSpec.builder(name).primaryKey(FieldSpec.varchar("pk", 64))
        .field(FieldSpec.vector("vec", 8, MetricType.COSINE, IndexSpec.hnsw(32, 200))).build();
    assertThatThrownBy(() -> store.createCollection(otherIndex)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("M=32");
    CollectionSpec otherKey = CollectionSpec.builder(name).primaryKey(FieldSpec.varchar("pk", 128))
        .field(FieldSpec.vector("vec", 8, MetricType.COSINE, IndexSpec.hnsw(16, 200))).build();
    assertThatThrownBy(() -> store.createCollection(otherKey)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("pk");
    assertThat(store.describeCollection(name)).isEqualTo(spec);
  }

  @Test
  void unknownCollectionsAndFieldsAreNamedInTheError() {
    assertThatThrownBy(() -> store.describeCollection("no_such_collection_here"))
        .isInstanceOf(CollectionNotFoundException.class).hasMessageContaining("no_such_collection_here");
    String name = namesCollection(List.of("a"));
    assertThatThrownBy(() -> store.get(name, List.of(0L), List.of("missing_field")))
        .isInstanceOf(SchemaException.class).hasMessageContaining("missing_field");
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).vectorField("other").query(new float[DIM])
        .build())).isInstanceOf(SchemaException.class).hasMessageContaining("other");
  }

  @Test
  void largeWritesAreSplitIntoBatchesUnderTheLimit() {
    String name = newName();
    int dim = 128;
    store.createCollection(CollectionSpec.builder(name)
        .primaryKey(FieldSpec.varchar("path", 512))
        .field(FieldSpec.vector("vec", dim, MetricType.IP))
        .build());
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = r.nextFloat();
      }
      rows.add(Row.builder().put("path", "/data/images/" + i + ".jpg").put("vec", v).build());
    }
    // ~600 bytes a row against a 64 KiB limit: about 30 requests.
    try (MilvusVectorStore small = endpoint.storeBuilder().consistency(ConsistencyLevel.STRONG)
        .maxBatchBytes(64 * 1024).build()) {
      small.upsert(name, rows);
      assertThat(small.count(name)).isEqualTo(3000);
      assertThat(small.get(name, List.of("/data/images/2999.jpg"), List.of("vec")).get(0).vector("vec"))
          .containsExactly(rows.get(2999).vector("vec"));
    }
    // 24 MB in one call with the default limit (16 MiB): split in two, below Milvus's 64 MB message limit.
    List<Row> big = new ArrayList<>();
    float[] v = new float[dim];
    for (int i = 0; i < 45_000; i++) {
      v[i % dim] = i;
      big.add(Row.builder().put("path", "/big/" + i).put("vec", v).build());
    }
    store.upsert(name, big);
    assertThat(store.count(name)).isEqualTo(48_000);
  }

  @Test
  void secretsNeverAppearInMessagesOrLogs() throws Exception {
    String token = "root:" + SECRET;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> messages = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // A server that answers (Milvus Lite ignores the token; a server with authentication would check it).
      try (MilvusVectorStore withToken = MilvusVectorStore.builder().uri(endpoint.uri()).token(token).build()) {
        messages.add(withToken.toString());
        messages.add(withToken.config().toString());
        messages.add(message(() -> withToken.describeCollection("missing_" + SECRET.length())));
        messages.add(message(() -> withToken.query(QueryRequest.builder("missing").build())));
      } catch (ImageSearchException e) {
        messages.add(e.toString()); // a server with authentication refused the token
      }
      // No server: the message names the URI, without the token or a password in the URI.
      String deadUri = "http://root:" + SECRET + "@127.0.0.1:1";
      messages.add(message(() -> MilvusVectorStore.builder().uri(deadUri).token(token)
          .connectTimeout(Duration.ofMillis(500)).build()));
      messages.add(message(() -> MilvusVectorStore.builder().uri("http://127.0.0.1:1").token(token)
          .connectTimeout(Duration.ofMillis(500)).build()));
    } finally {
      System.setErr(originalErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(messages).hasSizeGreaterThanOrEqualTo(4).allSatisfy(m -> assertThat(m).doesNotContain(SECRET));
    assertThat(messages).anySatisfy(m -> assertThat(m).contains("127.0.0.1:1"));
    assertThat(logs).doesNotContain(SECRET);
  }

  /**
   * A collection that does not exist is an expected case: the store finds it out with {@code hasCollection}, so
   * milvus-sdk-java logs no {@code ERROR ... Describe collection ... failed} before the store's own exception. The
   * probe line proves that the capture sees what slf4j-simple (the test binding) writes.
   */
  @Test
  void aMissingCollectionIsReportedWithoutAnErrorInTheLog() {
    String missing = "missing_" + Long.toHexString(System.nanoTime());
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (MilvusVectorStore fresh = endpoint.storeBuilder().build()) {
      assertThatThrownBy(() -> fresh.search(SearchRequest.builder(missing).query(new float[DIM]).build()))
          .isInstanceOf(CollectionNotFoundException.class).hasMessageContaining(missing);
      assertThatThrownBy(() -> fresh.describeCollection(missing)).isInstanceOf(CollectionNotFoundException.class);
      assertThatThrownBy(() -> fresh.count(missing)).isInstanceOf(CollectionNotFoundException.class);
      assertThat(fresh.dropCollection(missing)).isFalse();
      org.slf4j.LoggerFactory.getLogger(MilvusStoreBehaviourIT.class).error("capture probe");
    } finally {
      System.setErr(originalErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("capture probe");
    assertThat(logs.lines().filter(l -> !l.contains("capture probe")))
        .noneMatch(l -> l.contains("ERROR") || l.contains("WARN") || l.contains(missing));
  }

  private static String message(Runnable call) {
    try {
      call.run();
      return "(no exception)";
    } catch (RuntimeException e) {
      StringBuilder all = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        all.append(t).append('\n');
      }
      return all.toString();
    }
  }

  @Test
  void aWrappedClientStaysOpenAndTheNativeClientIsReachable() {
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(endpoint.uri())
        .token(endpoint.token().isEmpty() ? null : endpoint.token()).build());
    try {
      String name = newName();
      MilvusVectorStore wrapped = MilvusVectorStore.wrap(client);
      assertThat(wrapped.nativeClient()).isSameAs(client);
      wrapped.createCollection(CollectionSpec.builder(name).primaryKey(FieldSpec.scalar("id", FieldType.INT64))
          .field(FieldSpec.vector("vec", DIM, MetricType.L2)).build());
      wrapped.close();
      assertThatThrownBy(wrapped::nativeClient).isInstanceOf(ClosedException.class);
      assertThat(client.listCollections().getCollectionNames()).contains(name);
    } finally {
      client.close();
    }
  }

  @Test
  void configurationDefaultsFollowMilvus() {
    MilvusStoreConfig config;
    try (MilvusVectorStore s = MilvusVectorStore.builder().uri(endpoint.uri()).token("u:" + SECRET).build()) {
      config = s.config();
    }
    assertThat(config.consistency()).isEqualTo(ConsistencyLevel.BOUNDED);
    assertThat(config.maxBatchBytes()).isLessThan(64L * 1024 * 1024);
    assertThat(config.toString()).doesNotContain(SECRET).contains(endpoint.uri());
    assertThat(MilvusStoreConfig.displayUri("https://user:pw@in01.example.com:443")).isEqualTo("https://in01.example.com:443");
  }


  /**
   * Milvus's own collection properties (here a TTL set through pymilvus's or the native client's
   * alter_collection_properties) and the store's bookkeeping (the description, the index parameters) are not
   * properties of the store's API; setting and removing the API's properties leaves them as they are.
   */
  @Test
  void milvusOwnPropertiesAreNeitherShownNorChanged() {
    String name = newName();
    CollectionSpec spec = CollectionSpec.builder(name).description("kept as a property by the store")
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.vector("vec", DIM, MetricType.L2, IndexSpec.ivfFlat(8))).build();
    store.createCollection(spec);
    MilvusClientV2 client = store.nativeClient();
    client.alterCollectionProperties(io.milvus.v2.service.collection.request.AlterCollectionPropertiesReq.builder()
        .collectionName(name).property("collection.ttl.seconds", "86400").build());
    assertThat(store.collectionProperties(name)).isEmpty();

    store.setCollectionProperties(name, java.util.Map.of("imgsearch.manifest", "{\"v\": 2}"));
    java.util.Map<String, String> raw = client.describeCollection(
        io.milvus.v2.service.collection.request.DescribeCollectionReq.builder().collectionName(name).build())
        .getProperties();
    assertThat(raw).containsEntry("collection.ttl.seconds", "86400")
        .containsEntry("imgsearch.property.imgsearch.manifest", "{\"v\": 2}");
    assertThat(store.collectionProperties(name)).containsExactly(java.util.Map.entry("imgsearch.manifest", "{\"v\": 2}"));

    java.util.Map<String, String> remove = new java.util.HashMap<>();
    remove.put("imgsearch.manifest", null);
    store.setCollectionProperties(name, remove);
    assertThat(store.collectionProperties(name)).isEmpty();
    raw = client.describeCollection(io.milvus.v2.service.collection.request.DescribeCollectionReq.builder()
        .collectionName(name).build()).getProperties();
    assertThat(raw).containsEntry("collection.ttl.seconds", "86400")
        .doesNotContainKey("imgsearch.property.imgsearch.manifest");
    try (MilvusVectorStore other = endpoint.storeBuilder().build()) {
      assertThat(other.describeCollection(name)).isEqualTo(spec);
    }
  }
}

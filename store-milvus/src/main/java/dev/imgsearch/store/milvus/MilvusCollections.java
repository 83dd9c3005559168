package dev.imgsearch.store.milvus;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.spi.SchemaDifferences;
import io.milvus.v2.client.MilvusClientV2;
import dev.imgsearch.core.store.spi.CollectionProperties;
import io.milvus.v2.service.collection.request.AlterCollectionPropertiesReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionPropertiesReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collection operations of a {@link MilvusVectorStore}: create, describe, list, drop, count and flush, with
 * a cache of the specs it has read and of the collections it knows to be loaded; and {@link #read}, which loads a
 * collection before a search or query. A collection's existence is asked with {@code hasCollection} before it is
 * described, so that a missing collection (an expected case) gives a {@link CollectionNotFoundException} without
 * milvus-sdk-java logging an error for a failed describe.
 */
final class MilvusCollections {
  private static final Logger log = LoggerFactory.getLogger(MilvusVectorStore.class);
  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)");
  /**
   * The prefix under which the store keeps the properties of {@link MilvusVectorStore#setCollectionProperties}
   * among the collection's Milvus properties, apart from the server's own ({@code collection.ttl.seconds},
   * {@code mmap.enabled}, ...) and the store's bookkeeping ({@code imgsearch.index.*}, ...): key {@code k} is the
   * Milvus property {@code imgsearch.property.k}.
   */
  static final String PROPERTY_PREFIX = "imgsearch.property.";

  private final MilvusClientV2 client;
  private final MilvusStoreConfig config;
  private final MilvusCalls calls;
  private final Map<String, CollectionSpec> specs = new ConcurrentHashMap<>();
  private final Set<String> loaded = ConcurrentHashMap.newKeySet();
  private volatile String serverVersion;

  MilvusCollections(MilvusClientV2 client, MilvusStoreConfig config, MilvusErrors errors, BooleanSupplier closing) {
    this.client = client;
    this.config = config;
    this.calls = new MilvusCalls(errors, config.retry(), closing, specs::remove);
  }

  MilvusCalls calls() {
    return calls;
  }

  private String endpoint() {
    return calls.errors().endpoint();
  }

  void create(CollectionSpec spec) {
    checkServerSupports(spec);
    String name = spec.name();
    if (has(name)) {
      requireSameSchema(fromServer(name), spec);
      return;
    }
    CreateCollectionReq req = CreateCollectionReq.builder()
        .collectionName(name)
        .description(spec.description())
        .collectionSchema(SchemaMapper.schema(spec))
        .indexParams(SchemaMapper.indexes(spec))
        .consistencyLevel(config.consistency())
        .properties(SchemaMapper.properties(spec))
        .build();
    try {
      calls.run("create collection '" + name + "'", null, true, () -> client.createCollection(req));
    } catch (SchemaException e) {
      // Created meanwhile by someone else (or by an attempt whose answer was lost): fine if it is the same.
      if (has(name)) {
        specs.remove(name);
        requireSameSchema(fromServer(name), spec);
        return;
      }
      throw e;
    }
    specs.remove(name);
    loaded.remove(name);
    log.debug("Created collection {} on {}", name, endpoint());
  }

  private static void requireSameSchema(CollectionSpec existing, CollectionSpec wanted) {
    if (!SchemaDifferences.of(existing, wanted).isEmpty()) {
      throw SchemaDifferences.refusal(existing, wanted);
    }
  }

  /**
   * Refuses, before anything is created, what the server is known not to support: IVF_PQ on Milvus Lite 3.x,
   * several vector fields before Milvus 2.4, BM25 full-text fields before Milvus 2.5.
   */
  private void checkServerSupports(CollectionSpec spec) {
    String version = serverVersion();
    if (isMilvusLite()) {
      for (FieldSpec f : spec.vectorFields()) {
        if (f.index().type() == IndexType.IVF_PQ) {
          throw new SchemaException("Vector field '" + f.name() + "' asks for an IVF_PQ index, but the server at "
              + endpoint() + " is " + version + ", which has no product quantisation. Use IVF_SQ8, "
              + "IVF_FLAT, HNSW or FLAT there, or a Milvus standalone/distributed server for IVF_PQ.");
        }
      }
      return;
    }
    Matcher m = VERSION.matcher(version);
    if (!m.find()) {
      return; // an unknown version string: let the server decide
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    boolean before24 = major < 2 || (major == 2 && minor < 4);
    boolean before25 = major < 2 || (major == 2 && minor < 5);
    if (before24 && spec.vectorFields().size() > 1) {
      throw new SchemaException("Collection '" + spec.name() + "' has " + spec.vectorFields().size() + " vector fields, "
          + "but the server at " + endpoint() + " is Milvus " + version + ", which allows one per collection "
          + "(several need Milvus 2.4+). Use one vector field per collection, or a newer server.");
    }
    if (before25 && !spec.fullTextFields().isEmpty()) {
      throw new SchemaException("Collection '" + spec.name() + "' has full-text (BM25) fields, but the server at "
          + endpoint() + " is Milvus " + version + "; BM25 functions need Milvus 2.5+ or Milvus Lite 3.x.");
    }
  }

  /** See {@link MilvusVectorStore#isMilvusLite()}. */
  boolean isMilvusLite() {
    return serverVersion().toLowerCase(Locale.ROOT).startsWith("milvus_lite");
  }

  /** The server's version string, read once. */
  String serverVersion() {
    String v = serverVersion;
    if (v == null) {
      v = calls.call("read the server version", null, true, client::getServerVersion);
      serverVersion = v;
    }
    return v;
  }

  boolean has(String collection) {
    Objects.requireNonNull(collection, "collection");
    return calls.call("check collection '" + collection + "'", null, true,
        () -> client.hasCollection(HasCollectionReq.builder().collectionName(collection).build()));
  }

  List<String> list() {
    List<String> names = new ArrayList<>(calls.call("list collections", null, true,
        () -> client.listCollections().getCollectionNames()));
    Collections.sort(names);
    return names;
  }

  /** Reads the spec from the server (and caches it); a missing collection is found out before describing it. */
  CollectionSpec describe(String collection) {
    if (!has(collection)) {
      specs.remove(collection);
      throw new CollectionNotFoundException(collection);
    }
    return fromServer(collection);
  }

  /** Reads the spec of a collection known to exist from the server, and caches it. */
  private CollectionSpec fromServer(String collection) {
    DescribeCollectionResp desc = calls.call("describe collection '" + collection + "'", collection, true,
        () -> client.describeCollection(DescribeCollectionReq.builder().collectionName(collection).build()));
    Map<String, DescribeIndexResp.IndexDesc> indexes = new HashMap<>();
    for (String field : desc.getVectorFieldNames()) {
      DescribeIndexResp resp = calls.call("describe the index of '" + collection + "." + field + "'", collection,
          true, () -> client.describeIndex(DescribeIndexReq.builder().collectionName(collection).fieldName(field)
              .build()));
      for (DescribeIndexResp.IndexDesc d : resp.getIndexDescriptions()) {
        if (field.equals(d.getFieldName())) {
          indexes.put(field, d);
        }
      }
    }
    CollectionSpec spec = SchemaMapper.spec(desc, indexes);
    specs.put(collection, spec);
    return spec;
  }

  /** The spec of a collection, from the cache or the server. */
  CollectionSpec spec(String collection) {
    Objects.requireNonNull(collection, "collection");
    CollectionSpec spec = specs.get(collection);
    return spec != null ? spec : describe(collection);
  }

  /** The properties set through the store: the collection properties under {@link #PROPERTY_PREFIX}, unprefixed. */
  SortedMap<String, String> properties(String collection) {
    Objects.requireNonNull(collection, "collection");
    if (!has(collection)) {
      throw new CollectionNotFoundException(collection);
    }
    DescribeCollectionResp desc = calls.call("describe collection '" + collection + "'", collection, true,
        () -> client.describeCollection(DescribeCollectionReq.builder().collectionName(collection).build()));
    TreeMap<String, String> props = new TreeMap<>();
    if (desc.getProperties() != null) {
      desc.getProperties().forEach((k, v) -> {
        if (k.startsWith(PROPERTY_PREFIX) && k.length() > PROPERTY_PREFIX.length()) {
          props.put(k.substring(PROPERTY_PREFIX.length()), v);
        }
      });
    }
    return Collections.unmodifiableSortedMap(props);
  }

  /** Sets and removes properties: one alter call for what is set, one drop call for what is removed. */
  void setProperties(String collection, Map<String, String> changes) {
    Objects.requireNonNull(changes, "changes");
    Map<String, String> current = properties(collection);
    Map<String, String> next = CollectionProperties.apply(collection, current, changes);
    Map<String, String> set = new TreeMap<>();
    next.forEach((k, v) -> {
      if (!v.equals(current.get(k))) {
        set.put(PROPERTY_PREFIX + k, v);
      }
    });
    List<String> removed = new ArrayList<>();
    for (String k : current.keySet()) {
      if (!next.containsKey(k)) {
        removed.add(PROPERTY_PREFIX + k);
      }
    }
    if (!set.isEmpty()) {
      calls.run("set properties of collection '" + collection + "'", collection, true,
          () -> client.alterCollectionProperties(AlterCollectionPropertiesReq.builder().collectionName(collection)
              .properties(set).build()));
    }
    if (!removed.isEmpty()) {
      calls.run("remove properties of collection '" + collection + "'", collection, true,
          () -> client.dropCollectionProperties(DropCollectionPropertiesReq.builder().collectionName(collection)
              .propertyKeys(removed).build()));
    }
  }

  boolean drop(String collection) {
    Objects.requireNonNull(collection, "collection");
    specs.remove(collection);
    loaded.remove(collection);
    if (!has(collection)) {
      return false;
    }
    calls.run("drop collection '" + collection + "'", null, true,
        () -> client.dropCollection(DropCollectionReq.builder().collectionName(collection).build()));
    specs.remove(collection);
    loaded.remove(collection);
    return true;
  }

  long count(String collection) {
    spec(collection);
    QueryResp resp = read("count rows of '" + collection + "'", collection, () -> client.query(QueryReq.builder()
        .collectionName(collection).filter("").outputFields(List.of("count(*)"))
        .consistencyLevel(config.consistency()).build()));
    Object n = resp.getQueryResults().isEmpty() ? 0L : resp.getQueryResults().get(0).getEntity().get("count(*)");
    return n instanceof Number num ? num.longValue() : 0L;
  }

  void flush(String collection) {
    spec(collection);
    calls.run("flush collection '" + collection + "'", collection, true,
        () -> client.flush(FlushReq.builder().collectionNames(List.of(collection)).build()));
  }

  /** A read: loads the collection first when needed, and once more if it was released meanwhile. */
  <T> T read(String action, String collection, Supplier<T> op) {
    ensureLoaded(collection);
    try {
      return calls.call(action, collection, true, op);
    } catch (CollectionNotFoundException | StoreUnavailableException e) {
      throw e;
    } catch (ImageSearchException e) {
      loaded.remove(collection);
      if (!isLoaded(collection)) {
        ensureLoaded(collection);
        return calls.call(action, collection, true, op);
      }
      throw e;
    }
  }

  private boolean isLoaded(String collection) {
    return Boolean.TRUE.equals(calls.call("check whether '" + collection + "' is loaded", collection, true,
        () -> client.getLoadState(GetLoadStateReq.builder().collectionName(collection).build())));
  }

  private void ensureLoaded(String collection) {
    if (loaded.contains(collection)) {
      return;
    }
    if (!isLoaded(collection)) {
      try {
        calls.run("load collection '" + collection + "'", collection, true,
            () -> client.loadCollection(LoadCollectionReq.builder().collectionName(collection).sync(true)
                .timeout(config.loadTimeout().toMillis()).build()));
      } catch (CollectionNotFoundException | StoreUnavailableException e) {
        throw e;
      } catch (ImageSearchException e) {
        throw new SchemaException("Collection '" + collection + "' on " + endpoint() + " cannot be loaded for "
            + "searching: " + e.getMessage() + " Check that every vector field has an index this server supports "
            + "(describeCollection shows them), or drop and recreate the collection.", e);
      }
    }
    loaded.add(collection);
  }
}

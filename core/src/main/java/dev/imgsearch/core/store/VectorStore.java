package dev.imgsearch.core.store;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import java.util.List;
import java.util.Map;

/**
 * A store of collections of vectors with scalar fields, searched by similarity: the SDK's one storage API,
 * implemented in memory ({@code InMemoryVectorStore}), on Lucene and on Milvus. Every implementation passes the
 * same contract test ({@code VectorStoreContract} in core's test-jar) and gives the same ids and scores for an
 * exact (FLAT) search, so moving from one store to another changes one line.
 *
 * <p><b>Semantics shared by every store.</b> Scores are Milvus's (see {@link MetricType}). Values are checked
 * against the schema before anything is written ({@link FieldSpec#coerce}): a wrong dimension, a NaN, an
 * unknown field (without dynamic fields) or a missing primary key fails the whole batch with an
 * {@link InvalidInputException} and writes nothing. Filters naming a field the collection does not know fail
 * with a {@link SchemaException}. A missing collection raises {@link CollectionNotFoundException}. Output field
 * {@code "*"} means every scalar and dynamic field; vectors are returned only when named. Output fields a
 * collection does not know fail with a {@link SchemaException}. Empty batches are no-ops: inserting or upserting
 * an empty list writes nothing ({@code insert} returns an empty list), and {@code get} or {@code delete} with no
 * ids does nothing.
 *
 * <p><b>Thread safety.</b> Implementations are safe for concurrent use by several threads.
 *
 * <p><b>Durability.</b> Writes are visible to searches once the call returns (stores with eventual consistency
 * say otherwise in their Javadoc) and durable after {@link #flush(String)} or {@link #close()}.
 */
public interface VectorStore extends AutoCloseable {

  /**
   * Creates a collection. Creating one that exists with an equal spec does nothing.
   *
   * @throws SchemaException when a collection of that name exists with a different spec
   */
  void createCollection(CollectionSpec spec);

  boolean hasCollection(String collection);

  /** The collection names, sorted. */
  List<String> listCollections();

  /** @throws CollectionNotFoundException when it does not exist */
  CollectionSpec describeCollection(String collection);

  /** Drops a collection and all its rows; returns false when there was none. */
  boolean dropCollection(String collection);

  /**
   * The properties of a collection: small text values that describe it and live with it (dropped with it),
   * such as the manifest that {@code ImageIndex} keeps under {@code imgsearch.manifest}. Only the properties
   * set through {@link #setCollectionProperties} are returned, never a store's own bookkeeping (Milvus keeps
   * them as collection properties under a prefix of their own, Lucene in its commit data, the in-memory store
   * in its file).
   *
   * @return the properties, by key, sorted; empty when none were set
   * @throws CollectionNotFoundException when the collection does not exist
   */
  Map<String, String> collectionProperties(String collection);

  /**
   * Sets or removes properties of a collection (see {@link #collectionProperties}): each entry of
   * {@code changes} sets its key to its value, or removes the key when the value is {@code null}; other keys
   * stay as they are. The change is durable when the call returns.
   *
   * <p>Properties are for small values: keys are 1 to {@value #MAX_PROPERTY_KEY_LENGTH} characters of
   * letters, digits, {@code . _ -}, and should be namespaced ({@code imgsearch.manifest}, {@code myapp.owner});
   * a value holds at most {@value #MAX_PROPERTY_VALUE_BYTES} bytes of UTF-8 (a few KB of JSON is the intended
   * size), and a collection at most {@value #MAX_PROPERTIES} of them.
   *
   * @throws CollectionNotFoundException when the collection does not exist
   * @throws InvalidInputException when a key or value breaks the rules above; nothing is changed then
   */
  void setCollectionProperties(String collection, Map<String, String> changes);

  /** The longest property key, in characters. */
  int MAX_PROPERTY_KEY_LENGTH = 128;

  /** The largest property value, in bytes of UTF-8. */
  int MAX_PROPERTY_VALUE_BYTES = 16 * 1024;

  /** The most properties of one collection. */
  int MAX_PROPERTIES = 64;

  /** The number of rows. */
  long count(String collection);

  /**
   * Inserts rows. With auto id the rows must not carry the primary key and the store generates it; otherwise
   * every row must carry it. Inserting a key that exists already is not checked by every store (Milvus keeps
   * both rows): use {@link #upsert} to replace.
   *
   * @return the primary keys of the inserted rows, in order ({@link Long} or {@link String})
   */
  List<Object> insert(String collection, List<Row> rows);

  /** Inserts rows, replacing any row with the same primary key. Every row must carry its primary key. */
  void upsert(String collection, List<Row> rows);

  /**
   * The rows with these primary keys, in the order of {@code ids}; keys that do not exist are left out.
   *
   * @param outputFields fields to return besides the primary key; {@code "*"} for all scalar and dynamic fields
   */
  List<Row> get(String collection, List<?> ids, List<String> outputFields);

  /** Deletes the rows with these primary keys; keys that do not exist are ignored. */
  void delete(String collection, List<?> ids);

  /** Deletes every row that matches the filter. */
  void deleteWhere(String collection, Filter filter);

  /**
   * Searches; the result has one list of hits per query vector, best first, at most {@code topK} each.
   *
   * @throws InvalidInputException when a query vector has the wrong dimension or holds NaN or infinity
   */
  List<List<Hit>> search(SearchRequest request);

  /** The rows matching a filter, ordered by primary key, paged by limit and offset. */
  List<Row> query(QueryRequest request);

  /** Makes every write to the collection so far durable. */
  void flush(String collection);

  /**
   * Releases what the store holds (connections, files, threads), after making writes durable. Calling any
   * method afterwards raises {@link dev.imgsearch.core.ClosedException}; closing twice does nothing.
   *
   * @throws StoreUnavailableException when pending writes could not be made durable
   */
  @Override
  void close();
}

package dev.imgsearch.store.milvus;

import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.spi.SchemaChecks;
import io.milvus.common.utils.GTsDict;
import io.milvus.grpc.IDs;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.UpsertRequest;
import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.utils.RpcUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The writes of a {@link MilvusVectorStore}: insert, upsert and the deletes. Rows are checked with core's
 * {@code store.spi} ({@link RowBatch}) before anything is sent. With the store's own write channel the rows go as
 * columns on milvus-sdk-java's gRPC stub, as pymilvus sends them; through a wrapped client (no channel) they go as
 * the SDK's JSON rows.
 */
final class MilvusWrites {
  private static final RpcUtils RPC_UTILS = new RpcUtils();

  private final MilvusClientV2 client;
  private final MilvusStoreConfig config;
  private final MilvusCollections collections;
  private final MilvusCalls calls;
  /** Null for a wrapped client, whose settings the store does not know. */
  private final MilvusServiceGrpc.MilvusServiceBlockingStub writeStub;

  MilvusWrites(MilvusClientV2 client, ManagedChannel writeChannel, MilvusStoreConfig config,
      MilvusCollections collections) {
    this.client = client;
    this.config = config;
    this.collections = collections;
    this.calls = collections.calls();
    this.writeStub = writeChannel == null ? null : MilvusServiceGrpc.newBlockingStub(writeChannel).withWaitForReady();
  }

  /** See {@link MilvusVectorStore#insert}. */
  List<Object> insert(String collection, List<Row> rows) {
    CollectionSpec spec = collections.spec(collection);
    List<RowBatch> batches = RowBatch.split(spec, rows, true, config.maxBatchBytes());
    List<Object> keys = new ArrayList<>(rows.size());
    int written = 0;
    String action = "insert into '" + collection + "'";
    for (RowBatch batch : batches) {
      if (spec.autoId()) {
        try {
          keys.addAll(calls.call(action, collection, false, () -> write(collection, batch, false)));
        } catch (StoreUnavailableException e) {
          throw new StoreUnavailableException(e.getMessage() + " Inserts with auto id are not retried: " + written
              + " of " + rows.size() + " rows were written before this request, which may or may not have "
              + "reached the server; check with count() before inserting again.", e.getCause());
        }
      } else {
        boolean[] first = {true};
        calls.call(action, collection, true, () -> {
          boolean retry = !first[0];
          first[0] = false;
          return write(collection, batch, retry);
        });
        keys.addAll(batch.keys());
      }
      written += batch.size();
    }
    return keys;
  }

  void upsert(String collection, List<Row> rows) {
    CollectionSpec spec = collections.spec(collection);
    for (RowBatch batch : RowBatch.split(spec, rows, false, config.maxBatchBytes())) {
      calls.call("upsert into '" + collection + "'", collection, true, () -> write(collection, batch, true));
    }
  }

  /** Sends one batch as an insert or an upsert and returns the primary keys the server reports. */
  private List<Object> write(String collection, RowBatch batch, boolean upsert) {
    if (writeStub == null) {
      return upsert
          ? client.upsert(UpsertReq.builder().collectionName(collection).data(batch.jsonRows()).build()).getPrimaryKeys()
          : client.insert(InsertReq.builder().collectionName(collection).data(batch.jsonRows()).build()).getPrimaryKeys();
    }
    String database = client.currentUsedDatabase();
    MilvusServiceGrpc.MilvusServiceBlockingStub stub =
        writeStub.withDeadlineAfter(config.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
    MutationResult result = upsert
        ? stub.upsert(UpsertRequest.newBuilder().setBase(MsgBase.newBuilder().setMsgType(MsgType.Upsert))
            .setDbName(database).setCollectionName(collection).setNumRows(batch.size())
            .addAllFieldsData(batch.columns()).build())
        : stub.insert(InsertRequest.newBuilder().setBase(MsgBase.newBuilder().setMsgType(MsgType.Insert))
            .setDbName(database).setCollectionName(collection).setNumRows(batch.size())
            .addAllFieldsData(batch.columns()).build());
    // The SDK's own checks and bookkeeping: the same exception for a refused request, and the write's timestamp
    // for reads at Session consistency.
    RPC_UTILS.handleResponse((upsert ? "Upsert to" : "Insert to") + " collection: '" + collection + "'",
        result.getStatus());
    GTsDict.getInstance().updateCollectionTs(GTsDict.CombineCollectionName(database, collection),
        result.getTimestamp());
    IDs ids = result.getIDs();
    return ids.hasIntId() ? new ArrayList<>(ids.getIntId().getDataList())
        : ids.hasStrId() ? new ArrayList<>(ids.getStrId().getDataList()) : new ArrayList<>();
  }

  void delete(String collection, List<?> ids) {
    CollectionSpec spec = collections.spec(collection);
    List<Object> keys = SchemaChecks.checkIds(spec, Objects.requireNonNull(ids, "ids"));
    for (int i = 0; i < keys.size(); i += MilvusReads.KEYS_PER_REQUEST) {
      String expr = Entities.keyFilter(spec, keys.subList(i, Math.min(keys.size(), i + MilvusReads.KEYS_PER_REQUEST)));
      deleteWhere(collection, "delete from '" + collection + "'", expr);
    }
  }

  void deleteWhere(String collection, Filter filter) {
    CollectionSpec spec = collections.spec(collection);
    SchemaChecks.checkDeleteFilter(spec, filter);
    String expr = filter.toExpression();
    deleteWhere(collection, "delete from '" + collection + "' where " + expr, expr);
  }

  private void deleteWhere(String collection, String action, String expr) {
    calls.call(action, collection, true,
        () -> client.delete(DeleteReq.builder().collectionName(collection).filter(expr).build()));
  }
}

package dev.imgsearch.store.milvus;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.StoreUnavailableException;
import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import io.milvus.v2.client.globalcluster.GlobalClusterUtils;
import io.milvus.v2.utils.ClientUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client and the write channel of a store that connects by itself ({@link MilvusVectorStore.Builder#build()}),
 * or only the client of a wrapped one; {@link #close} releases what the store made.
 *
 * @param client milvus-sdk-java's client
 * @param writeChannel the store's own channel for inserts and upserts, with the client's settings; null for a
 *     wrapped client (whose settings the store does not know) and for a global cluster endpoint
 * @param ownsClient whether {@link #close} closes the client
 */
record MilvusConnection(MilvusClientV2 client, ManagedChannel writeChannel, boolean ownsClient) {
  private static final Logger log = LoggerFactory.getLogger(MilvusVectorStore.class);

  /**
   * Connects to the server of the settings.
   *
   * @throws StoreUnavailableException when no server answers at the URI in time; the message names the URI and
   *     says how to start a server
   */
  static MilvusConnection open(MilvusStoreConfig config) {
    MilvusErrors errors = new MilvusErrors(config.displayUri(), List.of(config.token()));
    String uri = config.uri();
    if (!uri.matches("(?i)(https?|tcp|grpc)://.+")) {
      throw new InvalidInputException("Milvus URI '" + config.displayUri() + "' is not valid; use http://host:19530"
          + " (or https://... for TLS and Zilliz Cloud).");
    }
    ConnectConfig.ConnectConfigBuilder cc = ConnectConfig.builder()
        .uri(uri)
        .connectTimeoutMs(config.connectTimeout().toMillis())
        .rpcDeadlineMs(config.rpcTimeout().toMillis());
    if (!config.token().isEmpty()) {
      cc.token(config.token());
    }
    if (!config.database().isEmpty()) {
      cc.dbName(config.database());
    }
    MilvusClientV2 client;
    try {
      client = new MilvusClientV2(cc.build());
    } catch (RuntimeException e) {
      if (MilvusErrors.isTransient(e)) {
        throw new StoreUnavailableException("No Milvus server answered at " + config.displayUri() + " within "
            + config.connectTimeout().toMillis() + " ms. Start one, e.g. Milvus Lite: `pip install milvus-lite && "
            + "milvus-lite server --data-dir ./milvus-data --host 127.0.0.1` (port 19530; the host keeps the "
            + "unauthenticated database off the network), or Milvus standalone in Docker "
            + "(see milvus.io/docs/install_standalone-docker.md); or check the URI, the port and the firewall.");
      }
      throw errors.translate("connect", null, e);
    }
    // The store retries by itself, only where a retry is safe: the SDK's own retry loop is turned off.
    client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
    // Writes go on a second channel with the same settings (TLS, token, database header): milvus-sdk-java's v2
    // client takes rows only as gson objects and converts them row by row, boxing every vector value, which
    // halves bulk-write throughput; the store sends the columns it builds from the rows instead. A global
    // cluster endpoint is resolved by the client itself, so writes to one go through the client. The write
    // channel sends no keep-alive pings while no call runs: servers answer those with GOAWAY (too_many_pings).
    ManagedChannel writeChannel;
    try {
      writeChannel = GlobalClusterUtils.isGlobalEndpoint(uri) ? null
          : new ClientUtils().getChannel(cc.keepAliveWithoutCalls(false).build());
    } catch (RuntimeException e) {
      client.close();
      throw errors.translate("connect", null, e);
    }
    log.debug("Connected to Milvus at {}", config.displayUri());
    return new MilvusConnection(client, writeChannel, true);
  }

  /** The connection of a store on a caller's client: no write channel, and the client stays open. */
  static MilvusConnection wrap(MilvusClientV2 client) {
    return new MilvusConnection(client, null, false);
  }

  /**
   * Closes the write channel, and the client if the store made it. Milvus makes every acknowledged write durable
   * in its log, so nothing needs flushing here.
   */
  void close(MilvusErrors errors) {
    if (writeChannel != null) {
      writeChannel.shutdownNow();
      try {
        writeChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsClient) {
      try {
        client.close(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.debug("Closing the Milvus client for {} failed: {}", errors.endpoint(), errors.redact(e.getMessage()));
      }
    }
  }
}

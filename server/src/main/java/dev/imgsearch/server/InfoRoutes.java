package dev.imgsearch.server;

import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.embed.TextEmbedder;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.pipeline.ImageIndex;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/info} (the collection, model and limits), {@code /api/status} and its event stream. */
record InfoRoutes(ImageIndex index, FieldCatalog fields, IndexingStatus status, long maxUploadBytes,
    ImageDecoder decoder) {
  void info(Context ctx) {
    CollectionSpec spec = index.store().describeCollection(index.collection());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("collection", index.collection());
    m.put("model", index.manifest().modelId());
    m.put("dimension", index.manifest().dimension());
    m.put("metric", index.metric().name());
    m.put("higherIsCloser", index.metric().higherIsCloser());
    m.put("count", index.count());
    m.put("textSearch", index.embedder() instanceof TextEmbedder);
    m.put("zeroShot", index.embedder() instanceof MultimodalEmbedder);
    m.put("fields", fields.describe(spec));
    m.put("maxUploadBytes", maxUploadBytes);
    m.put("maxPixels", decoder.maxPixels());
    Json.write(ctx, m);
  }

  void status(Context ctx) {
    Json.write(ctx, status.json());
  }

  /** A progress stream: the current status at once, then {@code progress} and {@code done} events. */
  void events(SseClient client) {
    client.keepAlive();
    if (!status.add(client)) {
      client.sendEvent("error", "{\"detail\":\"Too many open progress streams; close other tabs.\"}");
      client.close();
    }
  }
}

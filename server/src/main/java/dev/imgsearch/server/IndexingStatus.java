package dev.imgsearch.server;

import dev.imgsearch.pipeline.IndexFailure;
import dev.imgsearch.pipeline.IndexListener;
import dev.imgsearch.pipeline.IndexProgress;
import dev.imgsearch.pipeline.IndexReport;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the indexing run the server knows about (idle, indexing, done, failed), as JSON for
 * {@code GET /api/status} and pushed as server-sent events to {@code GET /api/status/events}. Thread-safe.
 */
final class IndexingStatus implements IndexListener {
  private static final Logger LOG = LoggerFactory.getLogger(IndexingStatus.class);

  /** What the server is doing. */
  enum State { IDLE, INDEXING, DONE, FAILED }

  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final int maxClients;
  private volatile State state = State.IDLE;
  private volatile IndexProgress progress = new IndexProgress(0, 0, 0, 0, 0, Duration.ZERO);
  private volatile String message;
  private volatile long removed;

  IndexingStatus(int maxClients) {
    this.maxClients = maxClients;
  }

  void started() {
    state = State.INDEXING;
    message = null;
    progress = new IndexProgress(-1, 0, 0, 0, 0, Duration.ZERO);
    broadcast("progress");
  }

  void finished(IndexReport report) {
    progress = new IndexProgress(report.total(), report.indexed(), report.unchanged(), report.moved(),
        report.failed(), report.elapsed());
    removed = report.removed();
    state = State.DONE;
    broadcast("done");
  }

  void failed(Throwable e) {
    state = State.FAILED;
    message = "Indexing stopped: " + e.getMessage() + " Images indexed so far stay searchable; run it again to "
        + "finish.";
    broadcast("done");
  }

  @Override
  public void onProgress(IndexProgress p) {
    progress = p;
    if (state != State.INDEXING) {
      state = State.INDEXING;
    }
    broadcast("progress");
  }

  @Override
  public void onFailure(IndexFailure failure) {
    LOG.debug("Not indexed: {}", failure);
  }

  State state() {
    return state;
  }

  Map<String, Object> json() {
    IndexProgress p = progress;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
    m.put("total", p.total());
    m.put("done", p.done());
    m.put("indexed", p.indexed());
    m.put("unchanged", p.unchanged());
    m.put("moved", p.moved());
    m.put("failed", p.failed());
    m.put("removed", removed);
    m.put("fraction", state == State.DONE ? 1.0 : p.fraction());
    m.put("elapsedMs", p.elapsed().toMillis());
    m.put("etaMs", p.eta().map(Duration::toMillis).orElse(null));
    m.put("message", message);
    return m;
  }

  /** Adds an SSE client and sends it the current state; false when there are too many already. */
  boolean add(SseClient client) {
    if (clients.size() >= maxClients) {
      return false;
    }
    clients.add(client);
    client.onClose(() -> clients.remove(client));
    send(client, state == State.DONE || state == State.FAILED ? "done" : "progress");
    return true;
  }

  int clients() {
    return clients.size();
  }

  private void broadcast(String event) {
    for (SseClient c : clients) {
      send(c, event);
    }
  }

  private void send(SseClient c, String event) {
    try {
      if (c.terminated()) {
        clients.remove(c);
        return;
      }
      synchronized (c) {
        c.sendEvent(event, Json.GSON.toJson(json()));
      }
    } catch (RuntimeException e) {
      clients.remove(c);
    }
  }

  /** A comment line to every client, so that closed connections are noticed and dropped. */
  void heartbeat() {
    for (SseClient c : clients) {
      try {
        synchronized (c) {
          c.sendComment("keep-alive");
        }
        if (c.terminated()) {
          clients.remove(c);
        }
      } catch (RuntimeException e) {
        clients.remove(c);
      }
    }
  }

  void closeAll() {
    for (SseClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // the client is gone already
      }
    }
    clients.clear();
  }
}

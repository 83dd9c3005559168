package dev.imgsearch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.pipeline.ColorEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import java.awt.Color;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Safe defaults: token, binding, Host check, saturation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityTest {
  static final String TOKEN = "s3cret-token-0123456789";
  InMemoryVectorStore store;
  ImageIndex index;

  @BeforeAll
  void index(@TempDir Path dir) {
    store = new InMemoryVectorStore();
    index = Fixture.index(store, Fixture.images(dir));
  }

  @AfterAll
  void close() {
    index.close();
    store.close();
  }

  @Test
  void tokenIsRequiredForTheApiWhenSet() {
    try (ImageSearchServer server = ImageSearchServer.builder().index(index).port(0).token(TOKEN).start()) {
      Http anonymous = new Http(server.port());
      Http.Response missing = anonymous.get("/api/info");
      ApiContract.assertProblem(missing, 401, "unauthorized");
      assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
      ApiContract.assertProblem(new Http(server.port(), "wrong-token-0123456789").get("/api/search?q=red"), 401,
          "unauthorized");
      ApiContract.assertProblem(anonymous.get("/api/images/thumbnail?id=warm/red.png"), 401, "unauthorized");
      ApiContract.assertProblem(anonymous.get("/api/status/events"), 401, "unauthorized");
      assertThat(new Http(server.port(), TOKEN).get("/api/info").status()).isEqualTo(200);
      assertThat(anonymous.get("/api/info", "Cookie", ImageSearchServer.TOKEN_COOKIE + "=" + TOKEN).status())
          .isEqualTo(200);
      // The page and the API description hold no data: they load without the token (the page then asks for it).
      assertThat(anonymous.get("/").status()).isEqualTo(200);
      assertThat(anonymous.get("/api/openapi.json").status()).isEqualTo(200);
    }
  }

  @Test
  void refusesToServeBeyondLoopbackWithoutAToken() {
    assertThatThrownBy(() -> ImageSearchServer.builder().index(index).host("0.0.0.0").port(0).start())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("without a token")
        .hasMessageContaining("token(...)");
    assertThatThrownBy(() -> ImageSearchServer.builder().index(index).port(0).token("short").start())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 16");
    try (ImageSearchServer server = ImageSearchServer.builder().index(index).host("0.0.0.0").port(0).token(TOKEN)
        .start()) {
      Http.Response r = new Http(server.port(), TOKEN).get("/api/info");
      assertThat(r.status()).isEqualTo(200);
      ApiContract.assertProblem(new Http(server.port()).get("/api/info"), 401, "unauthorized");
    }
  }

  @Test
  void bindsLoopbackByDefaultAndRejectsForeignHostHeaders() {
    try (ImageSearchServer server = ImageSearchServer.builder().index(index).port(0).start()) {
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
      String rebound = Http.raw(server.port(), "GET /api/info HTTP/1.1", Map.of("Host", "evil.example:" + server.port()));
      assertThat(Http.rawStatus(rebound)).isEqualTo(421);
      assertThat(rebound).contains("host-not-allowed");
      String local = Http.raw(server.port(), "GET /api/info HTTP/1.1", Map.of("Host", "localhost:" + server.port()));
      assertThat(Http.rawStatus(local)).isEqualTo(200);
    }
  }

  @Test
  void aTakenPortIsAClearError() {
    try (ImageSearchServer first = ImageSearchServer.builder().index(index).port(0).start()) {
      assertThatThrownBy(() -> ImageSearchServer.builder().index(index).port(first.port()).start())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("port");
    }
  }

  @Test
  void saturationIs503WithRetryAfter(@TempDir Path dir) throws Exception {
    ColorEmbedder slow = new ColorEmbedder();
    InMemoryVectorStore s = new InMemoryVectorStore();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ImageIndex idx = ImageIndex.builder().embedder(slow).store(s).collection("slow").build()) {
      idx.index(Fixture.source(Fixture.images(dir)));
      slow.beforeBatch(n -> {
        inside.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      try (ImageSearchServer server = ImageSearchServer.builder().index(idx).port(0).maxConcurrentRequests(1)
          .maxQueuedRequests(1).queueTimeout(Duration.ofSeconds(30)).start()) {
        Http http = new Http(server.port());
        CompletableFuture<Http.Response> busy = CompletableFuture.supplyAsync(
            () -> http.upload("/api/search/image", Fixture.png(Color.RED), "image/png"));
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Http.Response> queued = CompletableFuture.supplyAsync(() -> http.get("/api/search?q=red"));
        Thread.sleep(300); // let it take the one queue place
        Http.Response refused = http.get("/api/search?q=blue");
        ApiContract.assertProblem(refused, 503, "busy");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        // The status endpoint is not limited: the page keeps showing progress while searches queue.
        assertThat(http.get("/api/status").status()).isEqualTo(200);
        release.countDown();
        assertThat(busy.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(queued.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(http.get("/api/search?q=blue").status()).isEqualTo(200);
      }
    } finally {
      s.close();
    }
  }
}

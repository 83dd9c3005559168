package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.Color;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index owns its runs' threads: started by the first run, reused, stopped by close, refused afterwards. */
class IndexExecutorsTest {
  @TempDir Path dir;
  @AutoClose private final InMemoryVectorStore store = new InMemoryVectorStore();
  private final ColorEmbedder embedder = new ColorEmbedder();

  private ImageIndex open(String collection) {
    return ImageIndex.builder().embedder(embedder).store(store).collection(collection).vectorIndex(IndexSpec.flat())
        .batchSize(2).parallelism(2).build();
  }

  private Path images() {
    for (int i = 0; i < 6; i++) {
      TestFiles.solid(dir.resolve("img-" + i + ".png"), new Color(i * 40, 255 - i * 40, 90));
    }
    return dir;
  }

  /** Live threads of an index's pools. */
  private static long threadsOf(String collection) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> t.getName().matches("imgsearch-(decode|stage)-" + collection + "-\\d+")).count();
  }

  /** Live threads of an index's pools once they have had up to five seconds to end. */
  private static long threadsLeft(String collection) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (threadsOf(collection) > 0 && System.nanoTime() < deadline) {
      sleep(10);
    }
    return threadsOf(collection);
  }

  @Test
  void theFirstRunStartsThePoolsLaterRunsReuseThemAndCloseStopsThem() throws Exception {
    ImageIndex index = open("pools");
    IndexExecutors executors = index.settings().executors();
    index.search(Query.text("red").build());
    assertThat(executors.started()).as("searching starts no thread").isFalse();
    assertThat(threadsOf("pools")).isZero();

    index.index(IndexSource.directory(images()).build());
    assertThat(executors.started()).isTrue();
    var decode = executors.decode();
    var stages = executors.stages();
    assertThat(threadsOf("pools")).isBetween(1L, 2L + IndexExecutors.STAGE_THREADS);
    index.index(IndexSource.directory(dir).build());
    assertThat(executors.decode()).isSameAs(decode);
    assertThat(executors.stages()).isSameAs(stages);

    index.close();
    assertThat(decode.isTerminated()).isTrue();
    assertThat(stages.isTerminated()).isTrue();
    assertThat(threadsLeft("pools")).isZero();
    assertThat(executors.started()).isFalse();
    index.close(); // idempotent
    assertThatThrownBy(() -> index.index(IndexSource.directory(dir).build())).isInstanceOf(ClosedException.class)
        .hasMessageContaining("ImageIndex 'pools'");
    assertThatThrownBy(executors::decode).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> new IndexRun(index.settings(), IndexSource.directory(dir).build(), IndexListener.NONE))
        .as("a run cannot start on closed executors").isInstanceOf(ClosedException.class);
    // The caller's embedder and store stay open.
    assertThat(store.count("pools")).isEqualTo(6);
    assertThat(embedder.embedText("red")).hasSize(12);
  }

  @Test
  void closeWaitsForARunningRunAndLetsItFinish() throws Exception {
    ImageIndex index = open("waits");
    CountDownLatch inRun = new CountDownLatch(1);
    AtomicBoolean closeReturned = new AtomicBoolean();
    AtomicBoolean closedDuringRun = new AtomicBoolean();
    embedder.beforeBatch(n -> {
      inRun.countDown();
      sleep(100);
      closedDuringRun.compareAndSet(false, closeReturned.get());
    });
    CompletableFuture<IndexReport> run = CompletableFuture.supplyAsync(() ->
        index.index(IndexSource.directory(images()).build()));
    assertThat(inRun.await(30, TimeUnit.SECONDS)).isTrue();
    index.close();
    closeReturned.set(true);
    assertThat(run.get(30, TimeUnit.SECONDS).indexed()).isEqualTo(6);
    assertThat(closedDuringRun).as("close returned while the run was embedding").isFalse();
    assertThat(threadsLeft("waits")).isZero();
  }

  @Test
  void executorsThatNeverRanCloseAndThenRefuseWork() {
    IndexExecutors executors = new IndexExecutors("unused", 1);
    executors.close();
    assertThat(threadsOf("unused")).isZero();
    assertThatThrownBy(executors::stages).isInstanceOf(ClosedException.class)
        .hasMessageContaining("Create a new instance");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose process is killed is completed by running again: what was flushed is skipped, the rest indexed. */
class KilledRunTest {
  @TempDir Path dir;

  @Test
  void aKilledRunIsFinishedByRunningAgain() throws Exception {
    Path images = dir.resolve("images");
    int n = 80;
    for (int i = 0; i < n; i++) {
      TestFiles.quadrants(images.resolve(String.format("img-%03d.png", i)), new Color(i * 3, 0, 255 - i * 3),
          Color.WHITE, new Color(0, i * 3, 0), Color.BLACK);
    }
    Path storeFile = dir.resolve("store/images.json");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        KilledRunMain.class.getName(), storeFile.toString(), images.toString())).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
        if (line.startsWith("indexed=") && Integer.parseInt(line.substring(8)) >= 24 && Files.exists(storeFile)) {
          child.destroyForcibly(); // kill -9: no shutdown hooks, no final flush
          break;
        }
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.toString()).as("child output").doesNotContain("finished");

    try (InMemoryVectorStore store = InMemoryVectorStore.open(storeFile);
        ImageIndex index = ImageIndex.builder().embedder(new ColorEmbedder()).store(store).collection("killed")
            .vectorIndex(IndexSpec.flat()).build()) {
      long survived = index.count();
      assertThat(survived).as("rows flushed before the kill").isBetween(1L, (long) n - 1);
      IndexReport report = index.index(IndexSource.directory(images).build());
      assertThat(report.unchanged()).isEqualTo(survived);
      assertThat(report.indexed()).isEqualTo(n - survived);
      assertThat(index.count()).isEqualTo(n);
    }
  }
}

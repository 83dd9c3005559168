package dev.imgsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.pipeline.DirectorySource;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.LabelProbability;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Core's indexing and search pipeline with a real ONNX Runtime model (the tiny CLIP test model) over core's
 * committed test images: vectors made in parallel batches by the pipeline equal the model's own vectors of each
 * file, and searches rank by the cosine the model's vectors give.
 */
class ClipImageIndexTest {
  @Test
  void indexesAndSearchesWithTheTinyClipModel() throws java.io.IOException {
    Path images = TestModels.testImages();
    try (OnnxContrastiveEmbedder clip = TestModels.clip();
        InMemoryVectorStore store = new InMemoryVectorStore();
        ImageIndex index = ImageIndex.builder().embedder(clip).store(store).collection("clip_images")
            .batchSize(3).parallelism(2).build()) {
      IndexReport report = index.index(IndexSource.directory(images).build());
      assertThat(report.failures()).isEmpty();
      // every image file of the folder and its subfolders (it grows with the decoder's fixtures); not the .txt and .svg
      long imageFiles;
      try (var files = java.nio.file.Files.walk(images)) {
        imageFiles = files.filter(java.nio.file.Files::isRegularFile)
            .filter(f -> DirectorySource.DEFAULT_EXTENSIONS.contains(extension(f))).count();
      }
      assertThat(imageFiles).isGreaterThanOrEqualTo(16);
      assertThat(report.indexed()).isEqualTo(imageFiles);
      assertThat(index.manifest().modelId()).isEqualTo(clip.modelId());

      for (String name : List.of("photo_640x480.jpg", "cmyk_240x180.jpg", "two_frames_64x48.gif")) {
        float[] stored = store.get("clip_images", List.of(name), List.of(IndexFields.VECTOR)).get(0)
            .vector(IndexFields.VECTOR);
        assertThat(stored).containsExactly(clip.embedImage(ImageInput.of(images.resolve(name))), within(1e-5f));
      }

      float[] text = clip.embedText("a photo of a cat");
      List<ImageHit> hits = index.search(Query.text("a photo of a cat").topK(16).build());
      assertThat(hits).hasSize(16).isSortedAccordingTo((a, b) -> Float.compare(b.score(), a.score()));
      for (ImageHit h : hits) {
        float[] v = store.get("clip_images", List.of(h.id()), List.of(IndexFields.VECTOR)).get(0)
            .vector(IndexFields.VECTOR);
        assertThat((double) h.score()).isCloseTo(MetricType.COSINE.score(text, v), within(1e-4));
      }

      Path photo = images.resolve("photo_640x480.jpg");
      assertThat(index.search(Query.image(photo).topK(1).build()).get(0).id()).isEqualTo("photo_640x480.jpg");
      assertThat(index.search(Query.image(photo).topK(3).excludeQueryImage(true).build()))
          .extracting(ImageHit::id).hasSize(3).doesNotContain("photo_640x480.jpg");

      List<LabelProbability> p = index.classify(ImageInput.of(photo), List.of("cat", "dog", "car"), "a photo of a {}");
      assertThat(p.stream().mapToDouble(LabelProbability::probability).sum()).isCloseTo(1.0, within(1e-9));
    }
  }

  private static String extension(Path file) {
    String name = file.getFileName().toString();
    return name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
  }
}

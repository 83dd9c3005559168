package dev.imgsearch.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.onnx.OnnxContrastiveEmbedder;
import dev.imgsearch.onnx.OnnxEmbedders;
import dev.imgsearch.pipeline.ImageIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server end to end on a real model: the tiny ONNX CLIP of embedders-onnx's tests (random weights). */
class ClipModelTest {

  @Test
  void searchesWithTheTinyClipModel(@TempDir Path dir) throws Exception {
    Path model = Path.of(System.getProperty("server.testModels", "../embedders-onnx/src/test/resources/models"))
        .resolve("clip");
    Path images = Fixture.images(dir);
    try (OnnxContrastiveEmbedder clip = OnnxEmbedders.clip().modelDirectory(model).build();
         InMemoryVectorStore store = new InMemoryVectorStore();
         ImageIndex index = ImageIndex.builder().embedder(clip).store(store).collection("clip").build()) {
      index.index(Fixture.source(images));
      try (ImageSearchServer server = ImageSearchServer.builder().index(index).port(0).start()) {
        Http http = new Http(server.port());
        JsonObject info = http.get("/api/info").json();
        assertThat(info.get("count").getAsLong()).isEqualTo(Fixture.IMAGES);
        assertThat(info.get("dimension").getAsInt()).isEqualTo(clip.dimension());
        JsonObject text = http.get("/api/search?q=" + Http.enc("a photo of a dog") + "&topK=4").json();
        assertThat(text.getAsJsonArray("hits")).hasSize(4);
        // An indexed image, uploaded, finds itself first with a cosine of 1.
        JsonObject self = http.upload("/api/search/image?topK=3",
            Files.readAllBytes(images.resolve("cool/cyan.png")), "image/png").json();
        JsonObject first = self.getAsJsonArray("hits").get(0).getAsJsonObject();
        assertThat(first.get("caption").getAsString()).isEqualTo("cyan.png");
        assertThat(first.get("score").getAsDouble()).isGreaterThan(0.999);
        Http.Response labels = http.post("/api/classify", new Http.Multipart()
            .file("image", "c.png", "image/png", Files.readAllBytes(images.resolve("cool/cyan.png")))
            .field("labels", "cat\ndog\nbird"));
        assertThat(labels.status()).as(labels.body()).isEqualTo(200);
        assertThat(labels.json().getAsJsonArray("labels")).hasSize(3);
      }
    }
  }
}

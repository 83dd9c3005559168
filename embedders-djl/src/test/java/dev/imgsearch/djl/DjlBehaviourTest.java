package dev.imgsearch.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.embedders.hub.HubClient;
import dev.imgsearch.embedders.hub.LocalHubServer;
import dev.imgsearch.core.testing.TestVectors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Predictor pooling under concurrency, model sources (file, zoo URL, hub), engine choice, errors, closing. */
class DjlBehaviourTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(DjlEngine.class)
  void concurrentCallersShareABoundedPoolOfPredictors(DjlEngine engine) throws Exception {
    int threads = 8;
    int limit = 3;
    try (DjlContrastiveEmbedder clip = DjlEmbedders.clip().modelDirectory(TestModels.model("clip")).engine(engine)
        .maxPredictors(limit).build()) {
      List<float[]> inputs = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        inputs.add(TestModels.pixels(3 * 224 * 224, 100 + i));
      }
      List<float[]> expectedImages = clip.embedPixels(inputs);
      List<String> texts = List.of("a dog", "a cat", "一只狗", "a car", "a tree", "the sea", "a bird", "a house");
      List<float[]> expectedTexts = clip.embedTexts(texts);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger mismatches = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await();
          for (int round = 0; round < 5; round++) {
            float[] v = clip.embedPixels(List.of(inputs.get(id))).get(0);
            float[] w = clip.embedText(texts.get(id));
            if (TestVectors.cosine(v, expectedImages.get(id)) < 0.999999
                || TestVectors.cosine(w, expectedTexts.get(id)) < 0.999999) {
              mismatches.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertThat(mismatches.get()).isZero();
      assertThat(clip.predictorsCreated()).isBetween(2, 2 * limit); // image + text pools, each at most the limit
    }
  }

  @Test
  void thePoolNeverLendsOnePredictorToTwoCallers() throws Exception {
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger maxInUse = new AtomicInteger();
    List<FakePredictor> made = new ArrayList<>();
    try (PredictorPool<Integer, Integer> pool = new PredictorPool<>(() -> {
      FakePredictor p = new FakePredictor(inUse, maxInUse);
      synchronized (made) {
        made.add(p);
      }
      return p.predictor();
    }, 2, "test pool")) {
      ExecutorService exec = Executors.newFixedThreadPool(6);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        int x = i;
        results.add(exec.submit(() -> pool.predict(x)));
      }
      for (int i = 0; i < 30; i++) {
        assertThat(results.get(i).get(1, TimeUnit.MINUTES)).isEqualTo(i * 2);
      }
      exec.shutdown();
      assertThat(pool.created()).isLessThanOrEqualTo(2);
      assertThat(maxInUse.get()).isLessThanOrEqualTo(2);
      assertThat(made).allMatch(p -> p.maxConcurrent.get() == 1);
    }
    assertThat(made).allMatch(p -> p.closed);
  }

  @Test
  void aDjlModelZooUrlLoadsLikeTheFile() throws IOException {
    Path zip = tmp.resolve("tiny-resnet50.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("resnet50.pt"));
      Files.copy(TestModels.model("resnet50").resolve("torchscript/model.pt"), out);
      out.closeEntry();
    }
    ImageInput image = ImageInput.of(TestModels.testImages().resolve("photo_640x480.jpg"));
    try (var fromUrl = DjlEmbedders.resnet50().modelUrl(zip.toUri().toString()).modelName("resnet50")
        .engine(DjlEngine.PYTORCH).build();
        var fromFile = DjlEmbedders.resnet50().modelFile(TestModels.model("resnet50").resolve(
            "torchscript/model.pt")).build();
        var fromDirectoryUrl = DjlEmbedders.resnet50().modelUrl(TestModels.model("resnet50").resolve("onnx")
            .toUri().toString()).modelName("model").engine(DjlEngine.ONNX_RUNTIME).build()) {
      assertThat(fromFile.engine()).isEqualTo(DjlEngine.PYTORCH); // from the file's extension
      assertThat(fromUrl.modelId()).startsWith("file:");
      float[] expected = fromFile.embedImage(image);
      assertThat(TestVectors.cosine(fromUrl.embedImage(image), expected)).isGreaterThan(0.999999);
      assertThat(TestVectors.cosine(fromDirectoryUrl.embedImage(image), expected)).isGreaterThan(0.9999);
    }
  }

  @Test
  void aClipModelUrlHoldsAModelDirectory() throws IOException {
    Path zip = tmp.resolve("tiny-clip.zip");
    Path dir = TestModels.model("clip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (String[] entry : new String[][] {{"vision_model.pt", "torchscript/vision_model.pt"},
          {"text_model.pt", "torchscript/text_model.pt"}, {"tokenizer.json", "tokenizer.json"},
          {"preprocessor_config.json", "preprocessor_config.json"}}) {
        out.putNextEntry(new ZipEntry(entry[0]));
        Files.copy(dir.resolve(entry[1]), out);
        out.closeEntry();
      }
    }
    try (var fromUrl = DjlEmbedders.clip().modelUrl(zip.toUri().toString()).engine(DjlEngine.PYTORCH).build();
        var local = TestModels.clip(DjlEngine.PYTORCH)) {
      assertThat(TestVectors.cosine(fromUrl.embedText("a dog"), local.embedText("a dog"))).isGreaterThan(0.999999);
      float[] pixels = TestModels.pixels(3 * 224 * 224, 7);
      assertThat(TestVectors.cosine(fromUrl.embedPixels(List.of(pixels)).get(0),
          local.embedPixels(List.of(pixels)).get(0))).isGreaterThan(0.999999);
    }
  }

  @Test
  void everyFamilyLoadsFromTheHubLikeEmbeddersOnnx() {
    String commit = "89abcdef0123456789abcdef0123456789abcdef";
    ImageInput image = ImageInput.of(TestModels.testImages().resolve("rgba_320x240.png"));
    try (LocalHubServer server = new LocalHubServer()) {
      for (String family : TestModels.FAMILIES) {
        server.serve("tiny/" + family, commit, TestModels.model(family));
      }
      HubClient hub = HubClient.builder(Map.of()).endpoint(server.endpoint()).cacheDirectory(tmp).build();
      try (var clip = DjlEmbedders.clip().fromHub("tiny/clip", "main").hub(hub).engine(DjlEngine.PYTORCH)
          .build();
          var local = TestModels.clip(DjlEngine.PYTORCH);
          var vgg = DjlEmbedders.vgg16().fromHub("tiny/vgg16", "main").hub(hub).engine(DjlEngine.ONNX_RUNTIME)
              .build()) {
        assertThat(clip.modelId()).isEqualTo("tiny/clip");
        assertThat(TestVectors.cosine(clip.embedImage(image), local.embedImage(image))).isGreaterThan(0.999999);
        assertThat(vgg.embedImage(image)).hasSize(512);
      }
      Path snapshot = tmp.resolve("models--tiny--clip/snapshots").resolve(commit);
      assertThat(snapshot.resolve("torchscript/vision_model.pt")).exists();
      assertThat(snapshot.resolve("onnx")).doesNotExist(); // only the engine's format is fetched
      assertThat(tmp.resolve("models--tiny--vgg16/snapshots").resolve(commit).resolve("torchscript")).doesNotExist();
    }
  }

  @Test
  void aDirectoryWithoutTheEnginesFilesSaysWhatIsMissing() throws IOException {
    Path onlyOnnx = tmp.resolve("only-onnx");
    Files.createDirectories(onlyOnnx.resolve("onnx"));
    Files.copy(TestModels.model("resnet50").resolve("onnx/model.onnx"), onlyOnnx.resolve("onnx/model.onnx"));
    assertThatThrownBy(() -> DjlEmbedders.resnet50().modelDirectory(onlyOnnx).engine(DjlEngine.PYTORCH)
        .build()).isInstanceOf(ModelException.class).hasMessageContaining("torchscript/model.pt")
        .hasMessageContaining("PyTorch");
    assertThatThrownBy(() -> DjlEmbedders.resnet50().modelFile(tmp.resolve("nothing.pt")).build())
        .isInstanceOf(ModelException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> DjlEmbedders.clip().build()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("modelDirectory");
    assertThatThrownBy(() -> DjlEmbedders.clip().maxPredictors(0)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aBrokenModelFileIsAModelException() throws IOException {
    Path bad = tmp.resolve("model.pt");
    Files.writeString(bad, "not a TorchScript archive");
    assertThatThrownBy(() -> DjlEmbedders.resnet50().modelFile(bad).build())
        .isInstanceOf(ModelException.class).hasMessageContaining(bad.toString());
  }

  @ParameterizedTest
  @EnumSource(DjlEngine.class)
  void closingReleasesTheModelAndLaterCallsFail(DjlEngine engine) {
    DjlFeatureEmbedder vgg = TestModels.vgg16(engine);
    float[] pixels = TestModels.pixels(3 * 224 * 224, 3);
    assertThat(vgg.embedPixels(List.of(pixels)).get(0)).hasSize(512);
    vgg.close();
    vgg.close(); // idempotent
    assertThatThrownBy(() -> vgg.embedPixels(List.of(pixels))).isInstanceOf(ClosedException.class);
  }

  @Test
  void libTorchUsersAreToldToStopOpenMpSpinningUnlessTheyChose() {
    assertThat(DjlEngine.openMpAdvice(Map.of())).hasValueSatisfying(advice ->
        assertThat(advice).contains("OMP_WAIT_POLICY=PASSIVE"));
    assertThat(DjlEngine.openMpAdvice(Map.of("OMP_WAIT_POLICY", "ACTIVE"))).isEmpty();
  }

  @Test
  void wrongPixelCountsAreInvalidInput() {
    try (var resnet = TestModels.resnet50(DjlEngine.ONNX_RUNTIME)) {
      assertThatThrownBy(() -> resnet.embedPixels(List.of(new float[10])))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("150528");
    }
  }

  /** A predictor stand-in that records how many callers use it at once. */
  private static final class FakePredictor {
    final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger poolInUse;
    private final AtomicInteger poolMax;
    volatile boolean closed;

    FakePredictor(AtomicInteger poolInUse, AtomicInteger poolMax) {
      this.poolInUse = poolInUse;
      this.poolMax = poolMax;
    }

    ai.djl.inference.Predictor<Integer, Integer> predictor() {
      ai.djl.Model model = ai.djl.Model.newInstance("fake", "OnnxRuntime");
      ai.djl.translate.NoBatchifyTranslator<Integer, Integer> t = new ai.djl.translate.NoBatchifyTranslator<>() {
        @Override
        public ai.djl.ndarray.NDList processInput(ai.djl.translate.TranslatorContext ctx, Integer input) {
          int now = current.incrementAndGet();
          maxConcurrent.accumulateAndGet(now, Math::max);
          poolMax.accumulateAndGet(poolInUse.incrementAndGet(), Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new ai.djl.ndarray.NDList(ctx.getNDManager().create(new float[] {input}));
        }

        @Override
        public Integer processOutput(ai.djl.translate.TranslatorContext ctx, ai.djl.ndarray.NDList list) {
          poolInUse.decrementAndGet();
          current.decrementAndGet();
          return (int) list.singletonOrThrow().toFloatArray()[0] * 2;
        }
      };
      model.setBlock(new ai.djl.nn.LambdaBlock(list -> list));
      return new ai.djl.inference.Predictor<>(model, t, ai.djl.Device.cpu(), false) {
        @Override
        public void close() {
          closed = true;
          super.close();
          model.close();
        }
      };
    }
  }
}

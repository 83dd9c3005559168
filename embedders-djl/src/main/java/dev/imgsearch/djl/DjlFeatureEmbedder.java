package dev.imgsearch.djl;

import dev.imgsearch.core.embed.ModelIdentity;
import java.util.List;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.imgsearch.embedders.EmbedderSettings;
import dev.imgsearch.embedders.EmbedderSettings.ModelFiles;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.image.ImageRecipe;
import java.nio.file.Path;

/**
 * The embedder of an image-only family (ResNet50, VGG16; see {@link DjlEmbedders#resnet50()}) through DJL: one graph
 * (a TorchScript {@code .pt} or an {@code .onnx} file, from a model directory, a file or a model-zoo URL), its
 * feature output pooled over H and W when it is a spatial map, L2-normalised as the family or the builder says; the
 * same vectors as {@code dev.imgsearch.onnx.OnnxFeatureEmbedder}. The graph takes the family's layout (NHWC for
 * Keras VGG16) unless the builder says otherwise. Thread-safe: each concurrent call borrows its own DJL predictor
 * from a bounded pool.
 */
public final class DjlFeatureEmbedder extends FamilyEmbedder {
  private final DjlEngine engine;

  /**
   * A builder for any image-only family; {@link DjlEmbedders#resnet50()} and {@link DjlEmbedders#vgg16()} are the
   * shortcuts for the released ones.
   *
   * @throws dev.imgsearch.core.InvalidInputException for a contrastive family (see {@link DjlContrastiveEmbedder})
   */
  public static DjlEmbedders.Builder<DjlFeatureEmbedder> builder(ModelFamily family) {
    return new DjlEmbedders.Builder<>(family, ModelFamily.Kind.FEATURES, DjlFeatureEmbedder::new);
  }

  DjlFeatureEmbedder(DjlEmbedders.Builder<DjlFeatureEmbedder> b) {
    this(b.settings(), b.engineOr(fileName(b.settings().source().modelFile())), b);
  }

  private DjlFeatureEmbedder(EmbedderSettings settings, DjlEngine engine, DjlEmbedders.Builder<?> b) {
    super(settings, load(settings, engine, b));
    this.engine = engine;
  }

  private static String fileName(Path file) {
    return file == null ? null : file.getFileName().toString();
  }

  private static Loaded load(EmbedderSettings settings, DjlEngine engine, DjlEmbedders.Builder<?> b) {
    ModelFamily family = settings.family();
    return opening(owned -> {
      ZooModel<NDList, NDList> model;
      String modelId;
      ImageRecipe recipe = settings.recipe(null);
      ModelIdentity identity;
      if (b.modelUrl != null) {
        model = keep(Graphs.loadUrl(engine, b.modelUrl, b.modelName, b), owned);
        modelId = settings.source().modelIdOr(b.modelUrl);
        identity = Graphs.identity(settings, model, recipe, null);
      } else {
        ModelFiles files = settings.locate(engine.format(), engine.djlName(), "");
        model = keep(Graphs.loadFile(engine, files.image(), b), owned);
        modelId = files.modelId();
        identity = settings.identity(List.of(files.image()), null, recipe, files.origin());
      }
      PixelTranslator translator = new PixelTranslator(engine, family, recipe, settings.layoutOr(null),
          settings.imageInput(), false, settings.imageOutputs());
      var pool = keep(new PredictorPool<>(() -> model.newPredictor(translator), b.maxPredictors,
          family.displayName() + " predictors of " + modelId), owned);
      Tower<float[]> tower = PixelTranslator.tower(pool, settings.imageOutputs(), family.pooling(), modelId);
      return new Loaded(modelId, recipe, tower, PixelTranslator.dimension(tower, recipe), owned, identity);
    });
  }

  /** The engine this embedder runs on. */
  public DjlEngine engine() {
    return engine;
  }

  @Override
  protected String describe() {
    return "engine=" + engine + ", " + super.describe();
  }
}

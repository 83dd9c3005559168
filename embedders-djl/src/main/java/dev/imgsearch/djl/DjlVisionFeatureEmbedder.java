package dev.imgsearch.djl;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.ImageLayout;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.ModelSource;
import dev.imgsearch.embedders.NativeResources;
import dev.imgsearch.embedders.Vectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An image-only feature extractor on DJL (ResNet50, VGG16): one graph, a pooled feature, optionally L2-normalised.
 * Thread-safe: each concurrent call borrows its own DJL predictor from a bounded pool.
 */
public abstract class DjlVisionFeatureEmbedder implements PixelEmbedder {
  private final ModelFamily family;
  private final String modelId;
  private final DjlEngine engine;
  private final ImageRecipe recipe;
  private ImagePreprocessor preprocessor;
  private final boolean normalize;
  private final List<String> outputs;
  private final PredictorPool<PixelTranslator.Batch, GraphTranslator.Outputs> pool;
  private final List<AutoCloseable> resources;
  private final int dimension;
  private final AtomicBoolean closed = new AtomicBoolean();

  DjlVisionFeatureEmbedder(ModelFamily family, FeatureBuilder<?> b, boolean normalize) {
    ModelSource source = b.source();
    this.family = family;
    this.normalize = normalize;
    this.recipe = source.recipe() != null ? source.recipe() : family.recipe();
    this.outputs = b.outputName != null ? List.of(b.outputName) : family.imageOutputs();
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      ZooModel<NDList, NDList> model;
      Path modelFile = source.modelFile();
      String variant = source.variant();
      if (modelFile != null) {
        this.engine = b.engineOr(modelFile.getFileName().toString());
        model = DjlContrastiveEmbedder.keep(Graphs.loadFile(engine, modelFile, b), owned);
        this.modelId = source.modelIdOr(String.valueOf(modelFile.getFileName()));
      } else if (b.modelUrl != null) {
        this.engine = b.engineOr(null);
        model = DjlContrastiveEmbedder.keep(Graphs.loadUrl(engine, b.modelUrl, b.modelName, b), owned);
        this.modelId = source.modelIdOr(b.modelUrl);
      } else {
        this.engine = b.engineOr(null);
        ModelDirectory dir = source.resolve(family.graphs(), false, engine.format());
        Path file = dir.graph(ModelFamily.MODEL_GRAPH, variant, engine.format()).orElseThrow(() ->
            new ModelException("Model directory " + dir.root() + " has no " + engine.format().folder() + "/"
                + ModelFamily.MODEL_GRAPH + ModelDirectory.suffix(variant) + engine.format().extension() + " for "
                + "the " + engine.djlName() + " engine. Pass the file with modelFile(path), or put it there."));
        model = DjlContrastiveEmbedder.keep(Graphs.loadFile(engine, file, b), owned);
        this.modelId = source.modelIdOr(dir);
      }
      PixelTranslator translator = new PixelTranslator(engine, family, recipe,
          b.layout != null ? b.layout : family.layout(), b.inputName != null ? b.inputName : family.imageInput(),
          false, outputs);
      this.pool = DjlContrastiveEmbedder.keep(new PredictorPool<>(() -> model.newPredictor(translator),
          b.maxPredictors, family.displayName() + " predictors of " + modelId), owned);
      this.dimension = embedPixels(List.of(new float[recipe.tensorSize()])).get(0).length;
      this.resources = List.copyOf(owned);
    } catch (RuntimeException e) {
      NativeResources.closeAll(owned);
      throw e;
    }
  }

  /** The engine this embedder runs on. */
  public DjlEngine engine() {
    return engine;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public boolean normalized() {
    return normalize;
  }

  @Override
  public MetricType metric() {
    return family.metric();
  }

  @Override
  public ImageRecipe recipe() {
    return recipe;
  }

  @Override
  public ImagePreprocessor preprocessor() {
    ImagePreprocessor p = preprocessor;
    if (p == null) {
      p = ImagePreprocessor.of(recipe);
      preprocessor = p;
    }
    return p;
  }

  @Override
  public List<float[]> embedPixels(List<float[]> pixels) {
    if (closed.get()) {
      throw new ClosedException(family.displayName() + " embedder " + modelId);
    }
    if (pixels.isEmpty()) {
      return List.of();
    }
    Tensor t = pool.predict(new PixelTranslator.Batch(pixels)).pick(outputs, "image", modelId);
    List<float[]> vectors = Vectors.pool(t.rows(), t.shape(), family.pooling()).subList(0, pixels.size());
    return normalize ? Vectors.normaliseAll(vectors) : vectors;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      NativeResources.closeAll(resources);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + modelId + ", engine=" + engine + ", dimension=" + dimension
        + ", normalized=" + normalize + "}";
  }

  /**
   * Builder options of the image-only families: besides a directory, hub repository or model-zoo URL, a single
   * model file, and the graph's input, layout and output when they are not the family's usual ones.
   *
   * @param <B> the concrete builder
   */
  public abstract static class FeatureBuilder<B extends FeatureBuilder<B>> extends DjlModelBuilder<B> {
    String modelName;
    String inputName;
    String outputName;
    ImageLayout layout;

    FeatureBuilder() {}

    /**
     * A single model file: a TorchScript {@code .pt} (PyTorch engine) or an {@code .onnx} file (ONNX Runtime).
     * Replaces any source chosen before.
     */
    @Override
    public B modelFile(Path file) {
      return super.modelFile(file);
    }

    /** The model's name inside a {@link #modelUrl(String) model URL}: its file name without extension. */
    public B modelName(String name) {
      this.modelName = Objects.requireNonNull(name, "name");
      return self();
    }

    /** The graph's image input (default: the family's; only matters for graphs with several inputs). */
    public B inputName(String name) {
      this.inputName = Objects.requireNonNull(name, "name");
      return self();
    }

    /** The graph's feature output (default: the family's usual names, else its only output). */
    public B outputName(String name) {
      this.outputName = Objects.requireNonNull(name, "name");
      return self();
    }

    /** The image layout the graph takes (default: the family's, NHWC for Keras VGG16, else NCHW). */
    public B layout(ImageLayout layout) {
      this.layout = Objects.requireNonNull(layout, "layout");
      return self();
    }
  }
}

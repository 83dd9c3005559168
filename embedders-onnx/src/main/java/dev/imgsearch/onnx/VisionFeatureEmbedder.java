package dev.imgsearch.onnx;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ImageEmbedder;
import dev.imgsearch.core.image.ImageRecipe;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.onnx.session.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** An image-only feature extractor (ResNet50, VGG16): one graph, a pooled feature, optionally L2-normalised. */
abstract class VisionFeatureEmbedder implements ImageEmbedder {
  private final String name;
  private final String modelId;
  private final ImageRecipe recipe;
  private final OnnxModel model;
  private final ImageTower tower;
  private final boolean normalize;
  private final MetricType metric;
  private final AtomicBoolean closed = new AtomicBoolean();

  VisionFeatureEmbedder(ModelFamily family, FeatureBuilder<?> b, boolean normalize) {
    this.name = family.displayName();
    this.recipe = b.recipe != null ? b.recipe : family.recipe();
    this.normalize = normalize;
    this.metric = family.metric();
    Path file;
    String id;
    if (b.modelFile != null) {
      file = b.modelFile;
      id = b.modelId != null ? b.modelId : String.valueOf(file.getFileName());
    } else {
      ModelDirectory dir = b.resolve(family.graphs(), false);
      file = dir.onnx("model", b.variant).orElseThrow(() -> new ModelException("Model directory " + dir.root()
          + " has no onnx/model" + ModelDirectory.suffix(b.variant) + ".onnx. Pass the ONNX file with "
          + "modelFile(path), or put it there."));
      id = b.modelIdOr(dir);
    }
    this.modelId = id;
    this.model = OnnxModel.load(file, b.options);
    try {
      List<String> candidates = b.outputName != null ? List.of(b.outputName) : family.imageOutputs();
      this.tower = new ImageTower(model, recipe, b.inputName, candidates, family.pooling(), n -> Map.of());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return tower.dimension();
  }

  @Override
  public boolean normalized() {
    return normalize;
  }

  @Override
  public MetricType metric() {
    return metric;
  }

  @Override
  public ImageRecipe recipe() {
    return recipe;
  }

  @Override
  public List<float[]> embedPixels(List<float[]> pixels) {
    if (closed.get()) {
      throw new ClosedException(name + " embedder " + modelId);
    }
    if (pixels.isEmpty()) {
      return List.of();
    }
    List<float[]> vectors = tower.embed(pixels, recipe.tensorSize());
    return normalize ? Vectors.normaliseAll(vectors) : vectors;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      model.close();
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + modelId + ", dimension=" + dimension() + ", normalized=" + normalize
        + "}";
  }

  /**
   * Builder options of the image-only families: a model directory, a hub repository or a single ONNX file, and
   * the names of the graph's input and output when they are not the usual ones.
   *
   * @param <B> the concrete builder
   */
  public abstract static class FeatureBuilder<B extends FeatureBuilder<B>> extends ModelBuilder<B> {
    Path modelFile;
    String inputName;
    String outputName;

    FeatureBuilder() {}

    @SuppressWarnings("unchecked")
    private B me() {
      return (B) this;
    }

    /** A single ONNX file (instead of a model directory); the family's recipe is used unless one is given. */
    public B modelFile(Path onnxFile) {
      this.modelFile = java.util.Objects.requireNonNull(onnxFile, "onnxFile");
      return me();
    }

    /** The graph's image input (default: {@code pixel_values}, else its one 4-d input). */
    public B inputName(String name) {
      this.inputName = name;
      return me();
    }

    /** The graph's feature output (default: the family's usual names, else its only output). */
    public B outputName(String name) {
      this.outputName = name;
      return me();
    }
  }
}

package dev.imgsearch.onnx;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.ModelSource;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.onnx.session.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** An image-only feature extractor (ResNet50, VGG16): one graph, a pooled feature, optionally L2-normalised. */
abstract class VisionFeatureEmbedder implements PixelEmbedder {
  private final String name;
  private final String modelId;
  private final ImageRecipe recipe;
  private ImagePreprocessor preprocessor;
  private final OnnxModel model;
  private final ImageTower tower;
  private final boolean normalize;
  private final MetricType metric;
  private final AtomicBoolean closed = new AtomicBoolean();

  VisionFeatureEmbedder(ModelFamily family, FeatureBuilder<?> b, boolean normalize) {
    ModelSource source = b.source();
    this.name = family.displayName();
    this.recipe = source.recipe() != null ? source.recipe() : family.recipe();
    this.normalize = normalize;
    this.metric = family.metric();
    Path file;
    String id;
    if (source.modelFile() != null) {
      file = source.modelFile();
      id = source.modelIdOr(String.valueOf(file.getFileName()));
    } else {
      ModelDirectory dir = source.resolve(family.graphs(), false, Format.ONNX);
      String variant = source.variant();
      file = dir.onnx("model", variant).orElseThrow(() -> new ModelException("Model directory " + dir.root()
          + " has no onnx/model" + ModelDirectory.suffix(variant) + ".onnx. Pass the ONNX file with "
          + "modelFile(path), or put it there."));
      id = source.modelIdOr(dir);
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
   * Builder options of the image-only families: a model directory, a hub repository or a single ONNX file
   * (whichever was chosen last), and the names of the graph's input and output when they are not the usual ones.
   *
   * @param <B> the concrete builder
   */
  public abstract static class FeatureBuilder<B extends FeatureBuilder<B>> extends ModelBuilder<B> {
    String inputName;
    String outputName;

    FeatureBuilder() {}

    /** A single ONNX file (instead of a model directory); the family's recipe is used unless one is given. */
    @Override
    public B modelFile(Path onnxFile) {
      return super.modelFile(onnxFile);
    }

    /** The graph's image input (default: {@code pixel_values}, else its one 4-d input). */
    public B inputName(String name) {
      this.inputName = name;
      return self();
    }

    /** The graph's feature output (default: the family's usual names, else its only output). */
    public B outputName(String name) {
      this.outputName = name;
      return self();
    }
  }
}

package dev.imgsearch.djl;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.ModelSource;
import dev.imgsearch.embedders.NativeResources;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.embedders.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CLIP-like families on DJL: an image tower and a text tower (two graphs, or one combined graph) into one space,
 * L2-normalised, compared by cosine. Thread-safe: each concurrent call borrows its own DJL predictor from a bounded
 * pool.
 */
public abstract class DjlContrastiveEmbedder implements MultimodalEmbedder, PixelEmbedder {
  private final ModelFamily family;
  private final String modelId;
  private final DjlEngine engine;
  private final ImageRecipe recipe;
  private ImagePreprocessor preprocessor;
  private final TextTokenizer tokenizer;
  private final PredictorPool<PixelTranslator.Batch, GraphTranslator.Outputs> images;
  private final PredictorPool<TextTranslator.Batch, GraphTranslator.Outputs> texts;
  private final List<AutoCloseable> resources;
  private final int dimension;
  private final float logitScale;
  private final AtomicBoolean closed = new AtomicBoolean();

  DjlContrastiveEmbedder(ModelFamily family, ContrastiveBuilder<?> b) {
    this.family = family;
    ModelSource source = b.source();
    this.engine = b.engineOr(null);
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      ModelDirectory dir;
      ZooModel<NDList, NDList> vision;
      ZooModel<NDList, NDList> text;
      String variant = source.variant();
      if (b.modelUrl != null) {
        vision = loadFirst(b, variant, owned);
        dir = ModelDirectory.of(vision.getModelPath());
        boolean combined = vision.getName().startsWith(ModelFamily.MODEL_GRAPH);
        text = combined ? vision : load(dir, ModelFamily.TEXT_GRAPH, variant, b, owned)
            .orElseThrow(() -> new ModelException("Model URL " + b.modelUrl + " holds " + ModelFamily.VISION_GRAPH
                + " but no " + ModelFamily.TEXT_GRAPH + engine.format().extension() + "."));
        this.modelId = source.modelIdOr(b.modelUrl);
      } else {
        dir = source.resolve(family.graphs(), true, engine.format());
        Optional<Path> v = dir.graph(ModelFamily.VISION_GRAPH, variant, engine.format());
        Optional<Path> t = dir.graph(ModelFamily.TEXT_GRAPH, variant, engine.format());
        if (v.isPresent() && t.isPresent()) {
          vision = keep(Graphs.loadFile(engine, v.get(), b), owned);
          text = keep(Graphs.loadFile(engine, t.get(), b), owned);
        } else {
          Path file = dir.graph(ModelFamily.MODEL_GRAPH, variant, engine.format()).orElseThrow(() -> missing(dir,
              variant));
          vision = keep(Graphs.loadFile(engine, file, b), owned);
          text = vision;
        }
        this.modelId = source.modelIdOr(dir);
      }
      boolean combined = vision == text;
      this.recipe = source.recipe() != null ? source.recipe() : dir.recipe().orElse(family.recipe());
      this.tokenizer = keep(TextTokenizer.load(dir.tokenizer(),
          b.contextLength != null ? b.contextLength : family.contextLength(), family.padId(), family.cleaner()), owned);
      String imageInput = family.imageInput();
      PixelTranslator pixels = new PixelTranslator(engine, family, recipe, family.layout(), imageInput, combined,
          family.imageOutputs());
      Tensor blank = combined ? Tensor.floats(new float[recipe.tensorSize()], 1, 3, recipe.height(), recipe.width())
          : null;
      TextTranslator words = new TextTranslator(engine, family, tokenizer, imageInput, blank,
          List.of(ModelFamily.TEXT_OUTPUT));
      ZooModel<NDList, NDList> textModel = text;
      this.images = keep(new PredictorPool<>(() -> vision.newPredictor(pixels), b.maxPredictors,
          family.displayName() + " image predictors of " + modelId), owned);
      this.texts = keep(new PredictorPool<>(() -> textModel.newPredictor(words), b.maxPredictors,
          family.displayName() + " text predictors of " + modelId), owned);
      this.dimension = embedPixels(List.of(new float[recipe.tensorSize()])).get(0).length;
      int textDimension = embedTexts(List.of("")).get(0).length;
      if (textDimension != dimension) {
        throw new ModelException("The image embeddings of " + modelId + " have " + dimension + " dimensions but the "
            + "text embeddings " + textDimension + "; the two towers do not belong to one model.");
      }
      this.logitScale = b.logitScale != null ? b.logitScale
          : combined ? measureLogitScale(vision, imageInput) : 100f;
      this.resources = List.copyOf(owned);
    } catch (RuntimeException e) {
      NativeResources.closeAll(owned);
      throw e;
    }
  }

  private ZooModel<NDList, NDList> loadFirst(DjlModelBuilder<?> b, String variant, List<AutoCloseable> owned) {
    ModelException first = null;
    for (String name : List.of(ModelFamily.VISION_GRAPH, ModelFamily.MODEL_GRAPH)) {
      try {
        return keep(Graphs.loadUrl(engine, b.modelUrl, name + ModelDirectory.suffix(variant), b), owned);
      } catch (ModelException e) {
        first = first == null ? e : first;
      }
    }
    throw new ModelException("Model URL " + b.modelUrl + " holds neither " + ModelFamily.VISION_GRAPH
        + engine.format().extension() + " (+ " + ModelFamily.TEXT_GRAPH + ") nor " + ModelFamily.MODEL_GRAPH
        + engine.format().extension() + " at its top, with tokenizer.json: " + first.getMessage(), first);
  }

  private Optional<ZooModel<NDList, NDList>> load(ModelDirectory dir, String base, String variant,
      DjlModelBuilder<?> b, List<AutoCloseable> owned) {
    return dir.graph(base, variant, engine.format()).map(f -> keep(Graphs.loadFile(engine, f, b), owned));
  }

  private ModelException missing(ModelDirectory dir, String variant) {
    String ext = ModelDirectory.suffix(variant) + engine.format().extension();
    String folder = engine.format().folder() + "/";
    return new ModelException("Model directory " + dir.root() + " has neither " + folder + ModelFamily.VISION_GRAPH
        + ext + " + " + folder + ModelFamily.TEXT_GRAPH + ext + " nor " + folder + ModelFamily.MODEL_GRAPH + ext
        + " (for the " + engine.djlName() + " engine). Export the " + family.displayName() + " model into that "
        + "layout, or pick the engine whose files the directory has (engine(...)).");
  }

  private float measureLogitScale(ZooModel<NDList, NDList> model, String imageInput) {
    Tensor probe = Tensor.floats(Vectors.probePixels(recipe.tensorSize()), 1, 3, recipe.height(), recipe.width());
    TextTranslator translator = new TextTranslator(engine, family, tokenizer, imageInput, probe,
        List.of(ModelFamily.LOGITS_OUTPUT, family.imageOutputs().get(0), ModelFamily.TEXT_OUTPUT));
    try (Predictor<TextTranslator.Batch, GraphTranslator.Outputs> p = model.newPredictor(translator)) {
      var out = p.predict(new TextTranslator.Batch(List.of("a photo", "照片"))).tensors();
      Tensor logits = out.get(ModelFamily.LOGITS_OUTPUT);
      Tensor image = out.get(family.imageOutputs().get(0));
      Tensor text = out.get(ModelFamily.TEXT_OUTPUT);
      if (logits == null || image == null || text == null) {
        return 100f;
      }
      return Vectors.logitScale(image.rows().get(0), text.rows(), logits.floats());
    } catch (ai.djl.translate.TranslateException e) {
      throw new ModelException("Could not read the logit scale of " + modelId + " (" + e.getMessage() + "); set it "
          + "in the builder (logitScale(...)).", e);
    }
  }

  static <T extends AutoCloseable> T keep(T resource, List<AutoCloseable> owned) {
    owned.add(resource);
    return resource;
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
    return true;
  }

  @Override
  public MetricType metric() {
    return family.metric();
  }

  @Override
  public float logitScale() {
    return logitScale;
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

  /** How many DJL predictors the image and text pools have made so far (for tests). */
  int predictorsCreated() {
    return images.created() + texts.created();
  }

  /** The tokenizer this embedder uses (context length, ids), for inspection and tests. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public List<float[]> embedPixels(List<float[]> pixels) {
    checkOpen();
    if (pixels.isEmpty()) {
      return List.of();
    }
    GraphTranslator.Outputs out = images.predict(new PixelTranslator.Batch(pixels));
    Tensor t = out.pick(family.imageOutputs(), "image", modelId);
    return Vectors.normaliseAll(Vectors.pool(t.rows(), t.shape(), family.pooling()).subList(0, pixels.size()));
  }

  @Override
  public List<float[]> embedTexts(List<String> batch) {
    checkOpen();
    if (batch.isEmpty()) {
      return List.of();
    }
    GraphTranslator.Outputs out = texts.predict(new TextTranslator.Batch(batch));
    return Vectors.normaliseAll(out.pick(List.of(ModelFamily.TEXT_OUTPUT), "text", modelId).rows()
        .subList(0, batch.size()));
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedException(family.displayName() + " embedder " + modelId);
    }
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
        + ", recipe=" + recipe.id() + "}";
  }

  /**
   * Builder options of the CLIP-like families: besides the model, the text context length and the logit scale when
   * they are not what the family and the model give.
   *
   * @param <B> the concrete builder
   */
  public abstract static class ContrastiveBuilder<B extends ContrastiveBuilder<B>> extends DjlModelBuilder<B> {
    Integer contextLength;
    Float logitScale;

    ContrastiveBuilder() {}

    /** Tokens per text (default: the family's, 77 for CLIP, 52 for Chinese-CLIP). */
    public B contextLength(int contextLength) {
      this.contextLength = contextLength;
      return self();
    }

    /**
     * exp(logit_scale) for zero-shot classification (default: read off a combined graph's
     * {@code logits_per_image}, else 100).
     */
    public B logitScale(float logitScale) {
      this.logitScale = logitScale;
      return self();
    }
  }
}

package dev.imgsearch.djl;

import dev.imgsearch.core.embed.ModelIdentity;
import java.nio.file.Path;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.ContrastiveFamilyEmbedder;
import dev.imgsearch.embedders.EmbedderSettings;
import dev.imgsearch.embedders.EmbedderSettings.ModelFiles;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.embedders.text.TextTokenizer;
import dev.imgsearch.image.ImageRecipe;
import java.util.List;

/**
 * The embedder of a contrastive family (CLIP, Chinese-CLIP; see {@link DjlEmbedders#clip()}) through DJL: an image
 * tower and a text tower (two graphs, or one combined graph) into one space, L2-normalised, compared by cosine; the
 * same vectors as {@code dev.imgsearch.onnx.OnnxContrastiveEmbedder}. Thread-safe: each concurrent call borrows its
 * own DJL predictor from a bounded pool.
 */
public final class DjlContrastiveEmbedder extends ContrastiveFamilyEmbedder {
  private final DjlEngine engine;
  private final List<PredictorPool<?, ?>> pools;

  /** What {@link #load} made: the towers for the base class and what this class keeps. */
  private record Parts(Loaded image, LoadedText text, DjlEngine engine, List<PredictorPool<?, ?>> pools) {}

  /**
   * A builder for any contrastive family; {@link DjlEmbedders#clip()} and {@link DjlEmbedders#chineseClip()} are
   * the shortcuts for the released ones.
   *
   * @throws dev.imgsearch.core.InvalidInputException for an image-only family (see {@link DjlFeatureEmbedder})
   */
  public static DjlEmbedders.Builder<DjlContrastiveEmbedder> builder(ModelFamily family) {
    return new DjlEmbedders.Builder<>(family, ModelFamily.Kind.CONTRASTIVE, DjlContrastiveEmbedder::new);
  }

  DjlContrastiveEmbedder(DjlEmbedders.Builder<DjlContrastiveEmbedder> b) {
    this(b.settings(), load(b));
  }

  private DjlContrastiveEmbedder(EmbedderSettings settings, Parts parts) {
    super(settings, parts.image(), parts.text());
    this.engine = parts.engine();
    this.pools = parts.pools();
  }

  private static Parts load(DjlEmbedders.Builder<?> b) {
    EmbedderSettings settings = b.settings();
    ModelFamily family = settings.family();
    DjlEngine engine = b.engineOr(null);
    return opening(owned -> {
      ZooModel<NDList, NDList> vision;
      ZooModel<NDList, NDList> text;
      ModelDirectory dir;
      String modelId;
      List<Path> graphs;
      Path origin;
      if (b.modelUrl != null) {
        vision = loadFromUrl(engine, b, owned);
        dir = ModelDirectory.of(vision.getModelPath());
        text = vision.getName().startsWith(ModelFamily.MODEL_GRAPH) ? vision
            : dir.graph(ModelFamily.TEXT_GRAPH, settings.source().variant(), engine.format())
                .map(f -> keep(Graphs.loadFile(engine, f, b), owned))
                .orElseThrow(() -> new ModelException("Model URL " + b.modelUrl + " holds "
                    + ModelFamily.VISION_GRAPH + " but no " + ModelFamily.TEXT_GRAPH + engine.format().extension()
                    + ". Put both towers (or one combined model) at its top."));
        modelId = settings.source().modelIdOr(b.modelUrl);
        graphs = Graphs.files(vision, text);
        origin = dir.root();
      } else {
        ModelFiles files = settings.locate(engine.format(), engine.djlName(), ", or pick the engine whose files the "
            + "directory has (engine(...))");
        vision = keep(Graphs.loadFile(engine, files.image(), b), owned);
        text = files.combined() ? vision : keep(Graphs.loadFile(engine, files.text(), b), owned);
        dir = files.directory();
        modelId = files.modelId();
        graphs = List.of(files.image(), files.text());
        origin = files.origin();
      }
      boolean combined = vision == text;
      ImageRecipe recipe = settings.recipe(dir);
      TextTokenizer tokenizer = keep(TextTokenizer.load(dir.tokenizer(), settings.tokens(), family.padId(),
          family.cleaner()), owned);
      String imageInput = family.imageInput();
      PixelTranslator pixels = new PixelTranslator(engine, family, recipe, family.layout(), imageInput, combined,
          family.imageOutputs());
      Tensor blank = combined ? Tensor.floats(new float[recipe.tensorSize()], 1, 3, recipe.height(), recipe.width())
          : null;
      TextTranslator words = new TextTranslator(engine, family, tokenizer, imageInput, blank, family.textOutputs());
      var images = keep(new PredictorPool<>(() -> vision.newPredictor(pixels), b.maxPredictors,
          family.displayName() + " image predictors of " + modelId), owned);
      var texts = keep(new PredictorPool<>(() -> text.newPredictor(words), b.maxPredictors,
          family.displayName() + " text predictors of " + modelId), owned);
      Tower<float[]> imageTower = PixelTranslator.tower(images, family.imageOutputs(), family.pooling(), modelId);
      Tower<String> textTower = batch -> texts.predict(new TextTranslator.Batch(batch))
          .pick(family.textOutputs(), "text", modelId).rows().subList(0, batch.size());
      float scale = settings.logitScaleOr(() -> combined
          ? measureLogitScale(engine, vision, family, tokenizer, recipe, modelId) : 100f);
      ModelIdentity identity = graphs.isEmpty() ? null : settings.identity(graphs, dir.tokenizer(), recipe, origin);
      return new Parts(new Loaded(modelId, recipe, imageTower, PixelTranslator.dimension(imageTower, recipe), owned,
          identity),
          new LoadedText(tokenizer, textTower, textTower.embed(List.of("")).get(0).length, scale), engine,
          List.of(images, texts));
    });
  }

  private static ZooModel<NDList, NDList> loadFromUrl(DjlEngine engine, DjlEmbedders.Builder<?> b,
      List<AutoCloseable> owned) {
    ModelException first = null;
    for (String name : List.of(ModelFamily.VISION_GRAPH, ModelFamily.MODEL_GRAPH)) {
      try {
        String file = name + ModelDirectory.suffix(b.settings().source().variant());
        return keep(Graphs.loadUrl(engine, b.modelUrl, file, b), owned);
      } catch (ModelException e) {
        first = first == null ? e : first;
      }
    }
    throw new ModelException("Model URL " + b.modelUrl + " holds neither " + ModelFamily.VISION_GRAPH
        + engine.format().extension() + " (+ " + ModelFamily.TEXT_GRAPH + ") nor " + ModelFamily.MODEL_GRAPH
        + engine.format().extension() + " at its top, with tokenizer.json: " + first.getMessage(), first);
  }

  private static float measureLogitScale(DjlEngine engine, ZooModel<NDList, NDList> model, ModelFamily family,
      TextTokenizer tokenizer, ImageRecipe recipe, String modelId) {
    Tensor probe = Tensor.floats(Vectors.probePixels(recipe.tensorSize()), 1, 3, recipe.height(), recipe.width());
    String imageOutput = family.imageOutputs().get(0);
    TextTranslator translator = new TextTranslator(engine, family, tokenizer, family.imageInput(), probe,
        List.of(ModelFamily.LOGITS_OUTPUT, imageOutput, ModelFamily.TEXT_OUTPUT));
    try (Predictor<TextTranslator.Batch, GraphTranslator.Outputs> p = model.newPredictor(translator)) {
      var out = p.predict(new TextTranslator.Batch(List.of("a photo", "照片"))).tensors();
      Tensor logits = out.get(ModelFamily.LOGITS_OUTPUT);
      Tensor image = out.get(imageOutput);
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

  /** The engine this embedder runs on. */
  public DjlEngine engine() {
    return engine;
  }

  /** How many DJL predictors the image and text pools have made so far (for tests). */
  int predictorsCreated() {
    return pools.stream().mapToInt(PredictorPool::created).sum();
  }

  @Override
  protected String describe() {
    return "engine=" + engine + ", " + super.describe();
  }
}

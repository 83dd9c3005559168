package dev.imgsearch.onnx;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.ModelSource;
import dev.imgsearch.embedders.NativeResources;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.embedders.text.TextTokenizer;
import dev.imgsearch.onnx.session.OnnxModel;
import dev.imgsearch.onnx.session.OnnxModel.Input;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/** The CLIP-like families: an image tower and a text tower into one space, L2-normalised, compared by cosine. */
abstract class ContrastiveEmbedder implements MultimodalEmbedder, PixelEmbedder {
  private final String modelId;
  private final ImageRecipe recipe;
  private ImagePreprocessor preprocessor;
  private final ImageTower image;
  private final TextTower text;
  private final float logitScale;
  private final List<AutoCloseable> resources;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String name;

  ContrastiveEmbedder(ModelFamily family, ContrastiveBuilder<?> builder) {
    this.name = family.displayName();
    ModelSource source = builder.source();
    String variant = source.variant();
    ModelDirectory dir = source.resolve(family.graphs(), true, Format.ONNX);
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      this.recipe = source.recipe() != null ? source.recipe() : dir.recipe().orElse(family.recipe());
      var vision = dir.onnx("vision_model", variant);
      var textFile = dir.onnx("text_model", variant);
      OnnxModel visionModel;
      OnnxModel textModel;
      boolean combined = vision.isEmpty() || textFile.isEmpty();
      if (combined) {
        var file = dir.onnx("model", variant).orElseThrow(() -> new ModelException("Model directory "
            + dir.root() + " has neither onnx/vision_model" + ModelDirectory.suffix(variant)
            + ".onnx + onnx/text_model" + ModelDirectory.suffix(variant) + ".onnx nor onnx/model"
            + ModelDirectory.suffix(variant) + ".onnx. Export the " + name + " model to ONNX (e.g. with "
            + "optimum) into that layout."));
        visionModel = OnnxModel.load(file, builder.options);
        owned.add(visionModel);
        textModel = visionModel;
      } else {
        visionModel = OnnxModel.load(vision.get(), builder.options);
        owned.add(visionModel);
        textModel = OnnxModel.load(textFile.get(), builder.options);
        owned.add(textModel);
      }
      int context = builder.contextLength != null ? builder.contextLength : family.contextLength();
      TextTokenizer tokenizer = TextTokenizer.load(dir.tokenizer(), context, family.padId(), family.cleaner());
      owned.add(tokenizer);
      IntFunction<Map<String, Input>> dummyText = combined ? n -> dummyText(textModel, family.dummyText())
          : n -> Map.of();
      IntFunction<Map<String, Input>> dummyImage = combined ? n -> Map.of(imageInputName(visionModel),
          Input.floats(new float[recipe.tensorSize()], 1, 3, recipe.height(), recipe.width())) : n -> Map.of();
      this.image = new ImageTower(visionModel, recipe, null, family.imageOutputs(), family.pooling(), dummyText);
      this.text = new TextTower(textModel, tokenizer, List.of(ModelFamily.TEXT_OUTPUT), dummyImage);
      if (image.dimension() != text.dimension()) {
        throw new ModelException("The image embeddings of " + dir.root() + " have " + image.dimension()
            + " dimensions but the text embeddings " + text.dimension() + "; the two towers do not belong to "
            + "one model.");
      }
      this.logitScale = builder.logitScale != null ? builder.logitScale
          : combined ? measureLogitScale(visionModel, tokenizer) : 100f;
      this.modelId = source.modelIdOr(dir);
      this.resources = Collections.unmodifiableList(owned);
    } catch (RuntimeException e) {
      NativeResources.closeAll(owned);
      throw e;
    }
  }

  private static String imageInputName(OnnxModel model) {
    return model.inputs().containsKey("pixel_values") ? "pixel_values"
        : model.inputs().values().stream().filter(s -> s.rank() == 4).findFirst()
            .orElseThrow(() -> new ModelException("No image input in " + model.file())).name();
  }

  private static Map<String, Input> dummyText(OnnxModel model, long[] ids) {
    Map<String, Input> feeds = new LinkedHashMap<>();
    feeds.put("input_ids", Input.longs(ids, 1, ids.length));
    long[] ones = new long[ids.length];
    java.util.Arrays.fill(ones, 1);
    if (model.inputs().containsKey("attention_mask")) {
      feeds.put("attention_mask", Input.longs(ones, 1, ids.length));
    }
    if (model.inputs().containsKey("token_type_ids")) {
      feeds.put("token_type_ids", Input.longs(new long[ids.length], 1, ids.length));
    }
    return feeds;
  }

  /** exp(logit_scale), read off a combined graph's logits_per_image: logits / (image . text). */
  private float measureLogitScale(OnnxModel model, TextTokenizer tokenizer) {
    if (!model.outputs().containsKey(ModelFamily.LOGITS_OUTPUT)) {
      return 100f;
    }
    String[] texts = {"a photo", "照片"};
    var batch = tokenizer.encode(List.of(texts));
    int n = batch.size();
    int len = tokenizer.contextLength();
    Map<String, Input> feeds = new LinkedHashMap<>();
    feeds.put("input_ids", Input.longs(batch.flatIds(), n, len));
    if (model.inputs().containsKey("attention_mask")) {
      feeds.put("attention_mask", Input.longs(batch.flatAttentionMask(), n, len));
    }
    if (model.inputs().containsKey("token_type_ids")) {
      feeds.put("token_type_ids", Input.longs(new long[n * len], n, len));
    }
    feeds.put(imageInputName(model), Input.floats(Vectors.probePixels(recipe.tensorSize()), 1, 3, recipe.height(),
        recipe.width()));
    var out = model.run(feeds, Set.of(ModelFamily.LOGITS_OUTPUT, "image_embeds", ModelFamily.TEXT_OUTPUT));
    return Vectors.logitScale(out.get("image_embeds").rows().get(0), out.get(ModelFamily.TEXT_OUTPUT).rows(),
        out.get(ModelFamily.LOGITS_OUTPUT).values());
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return image.dimension();
  }

  @Override
  public boolean normalized() {
    return true;
  }

  @Override
  public MetricType metric() {
    return MetricType.COSINE;
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

  /** The tokenizer this embedder uses (context length, ids), for inspection and tests. */
  public TextTokenizer tokenizer() {
    return text.tokenizer();
  }

  @Override
  public List<float[]> embedPixels(List<float[]> pixels) {
    checkOpen();
    if (pixels.isEmpty()) {
      return List.of();
    }
    return Vectors.normaliseAll(image.embed(pixels, recipe.tensorSize()));
  }

  @Override
  public List<float[]> embedTexts(List<String> texts) {
    checkOpen();
    if (texts.isEmpty()) {
      return List.of();
    }
    return Vectors.normaliseAll(text.embed(texts));
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedException(name + " embedder " + modelId);
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
    return getClass().getSimpleName() + "{" + modelId + ", dimension=" + dimension() + ", recipe=" + recipe.id()
        + "}";
  }

  /**
   * Builder options of the CLIP-like families: besides the model, the text context length and the logit scale when
   * they are not what the family and the model give.
   *
   * @param <B> the concrete builder
   */
  public abstract static class ContrastiveBuilder<B extends ContrastiveBuilder<B>> extends ModelBuilder<B> {
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

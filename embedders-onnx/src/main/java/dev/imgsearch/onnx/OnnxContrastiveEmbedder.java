package dev.imgsearch.onnx;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.ContrastiveFamilyEmbedder;
import dev.imgsearch.embedders.EmbedderSettings;
import dev.imgsearch.embedders.EmbedderSettings.ModelFiles;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.embedders.text.TextTokenizer;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.onnx.session.OnnxModel;
import dev.imgsearch.onnx.session.OnnxModel.Input;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The embedder of a contrastive family (CLIP, Chinese-CLIP; see {@link OnnxEmbedders#clip()}) on ONNX Runtime: an
 * image tower and a text tower into one space, L2-normalised, compared by cosine, as the reference pipelines make
 * the vectors. Model files: {@code onnx/vision_model.onnx} + {@code onnx/text_model.onnx}, or one combined
 * {@code onnx/model.onnx} (its other inputs get a blank image or an empty text), with the model's
 * {@code tokenizer.json}, cut and padded as the family's reference tokenizer does.
 *
 * <p>Thread-safe. {@link #logitScale()} is what the builder says, else what a combined graph's
 * {@code logits_per_image} shows, else 100 (every released OpenAI CLIP).
 */
public final class OnnxContrastiveEmbedder extends ContrastiveFamilyEmbedder {

  /**
   * A builder for any contrastive family, e.g. one added to {@link ModelFamily} after this class was written
   * ({@link OnnxEmbedders#clip()} names the released ones).
   *
   * @throws dev.imgsearch.core.InvalidInputException for an image-only family (use {@link OnnxFeatureEmbedder})
   */
  public static OnnxEmbedders.Builder<OnnxContrastiveEmbedder> builder(ModelFamily family) {
    return new OnnxEmbedders.Builder<>(family, ModelFamily.Kind.CONTRASTIVE, OnnxContrastiveEmbedder::new);
  }

  private OnnxContrastiveEmbedder(EmbedderSettings settings, Towers towers) {
    super(settings, towers.image(), towers.text());
  }

  OnnxContrastiveEmbedder(OnnxEmbedders.Builder<OnnxContrastiveEmbedder> b) {
    this(b.settings(), load(b.settings(), b.options));
  }

  private record Towers(Loaded image, LoadedText text) {}

  private static Towers load(EmbedderSettings settings, OnnxOptions options) {
    ModelFamily family = settings.family();
    ModelFiles files = settings.locate(Format.ONNX, "ONNX Runtime", "");
    ImageRecipe recipe = files.recipe();
    return opening(owned -> {
      OnnxModel vision = keep(OnnxModel.load(files.image(), options), owned);
      OnnxModel text = files.combined() ? vision : keep(OnnxModel.load(files.text(), options), owned);
      TextTokenizer tokenizer = keep(TextTokenizer.load(files.directory().tokenizer(), settings.tokens(),
          family.padId(), family.cleaner()), owned);
      boolean combined = files.combined();
      IntFunction<Map<String, Input>> blankText = combined ? n -> TextTower.feeds(text, family.dummyText(), 1,
          family.dummyText().length, null) : n -> Map.of();
      IntFunction<Map<String, Input>> blankImage = combined ? n -> Map.of(imageInputName(vision),
          Input.floats(new float[recipe.tensorSize()], 1, 3, recipe.height(), recipe.width())) : n -> Map.of();
      ImageTower images = new ImageTower(vision, recipe, null, null, settings.imageOutputs(), family.pooling(),
          blankText);
      TextTower texts = new TextTower(text, tokenizer, family.textOutputs(), blankImage);
      float scale = settings.logitScaleOr(() -> combined ? measureLogitScale(vision, tokenizer, recipe) : 100f);
      return new Towers(new Loaded(files.modelId(), recipe, images, images.dimension(), owned,
          settings.identity(List.of(files.image(), files.text()), files.directory().tokenizer(), recipe,
              files.origin())),
          new LoadedText(tokenizer, texts, texts.dimension(), scale));
    });
  }

  private static String imageInputName(OnnxModel model) {
    return model.inputs().containsKey("pixel_values") ? "pixel_values"
        : model.inputs().values().stream().filter(s -> s.rank() == 4).findFirst()
            .orElseThrow(() -> new ModelException("No image input in " + model.file() + "; export the graph with "
                + "a 4-d pixel_values input.")).name();
  }

  /** exp(logit_scale), read off a combined graph's logits_per_image: logits / (image . text). */
  private static float measureLogitScale(OnnxModel model, TextTokenizer tokenizer, ImageRecipe recipe) {
    if (!model.outputs().containsKey(ModelFamily.LOGITS_OUTPUT)) {
      return 100f;
    }
    var batch = tokenizer.encode(List.of("a photo", "照片"));
    Map<String, Input> feeds = TextTower.feeds(model, batch.flatIds(), batch.size(), tokenizer.contextLength(),
        batch.flatAttentionMask());
    feeds.put(imageInputName(model), Input.floats(Vectors.probePixels(recipe.tensorSize()), 1, 3, recipe.height(),
        recipe.width()));
    var out = model.run(feeds, Set.of(ModelFamily.LOGITS_OUTPUT, "image_embeds", ModelFamily.TEXT_OUTPUT));
    return Vectors.logitScale(out.get("image_embeds").rows().get(0), out.get(ModelFamily.TEXT_OUTPUT).rows(),
        out.get(ModelFamily.LOGITS_OUTPUT).values());
  }
}

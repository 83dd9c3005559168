package dev.imgsearch.onnx;

import dev.imgsearch.embedders.EmbedderBuilder;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.ModelFamily.Kind;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.util.Objects;
import java.util.function.Function;

/**
 * The embedders of every {@link ModelFamily} on ONNX Runtime, one builder per family: {@link #clip()},
 * {@link #chineseClip()}, {@link #resnet50()}, {@link #vgg16()}, or {@link #family(ModelFamily)} for any family
 * (typed: {@link OnnxContrastiveEmbedder#builder(ModelFamily)}, {@link OnnxFeatureEmbedder#builder(ModelFamily)}).
 * A model comes from a local directory in the Hugging Face ONNX layout ({@code onnx/vision_model.onnx} + {@code onnx/text_model.onnx}, or one combined
 * {@code onnx/model.onnx}, with {@code tokenizer.json} and {@code preprocessor_config.json}), from a Hub repository
 * of which only the ONNX files the embedder needs are downloaded, or (image-only families) from one {@code .onnx}
 * file.
 *
 * <pre>{@code
 * try (OnnxContrastiveEmbedder clip = OnnxEmbedders.clip().fromHub("Xenova/clip-vit-base-patch32", "main").build()) {
 *   float[] image = clip.embedImage(ImageInput.of(Path.of("dog.jpg")));
 *   float[] text = clip.embedText("a white dog");
 * }
 * }</pre>
 */
public final class OnnxEmbedders {
  private OnnxEmbedders() {}

  /**
   * OpenAI CLIP (ViT-B/32, ViT-B/16, ViT-L/14 ...), as the "Text to Image Search with Milvus" tutorial uses it:
   * CLIP's text cleaning, 77 tokens, {@code preprocessor_config.json}'s recipe else {@code openAiClip(224)}, cosine.
   */
  public static Builder<OnnxContrastiveEmbedder> clip() {
    return OnnxContrastiveEmbedder.builder(ModelFamily.CLIP);
  }

  /**
   * Chinese-CLIP ({@code cn_clip}: ViT-B-16, ViT-L-14 ...), as the "Milvus的以文搜图" and "玩转多模态搜索" tutorials use it:
   * BERT WordPiece, 52 tokens, {@code chineseClip(224)} (straight to 224x224, bicubic), cosine.
   */
  public static Builder<OnnxContrastiveEmbedder> chineseClip() {
    return OnnxContrastiveEmbedder.builder(ModelFamily.CHINESE_CLIP);
  }

  /**
   * torchvision's ResNet50 without its classifier, as the "Image Search with Milvus" tutorial uses it: the 2048-d
   * average-pooled feature ({@code pooler_output}, else a spatial map averaged here), L2 distance, not normalised
   * unless {@code normalize(true)}.
   */
  public static Builder<OnnxFeatureEmbedder> resnet50() {
    return OnnxFeatureEmbedder.builder(ModelFamily.RESNET50);
  }

  /**
   * Keras VGG16 ({@code include_top=False, pooling="max"}), as the "Milvus向量数据库之以图搜图" tutorial uses it: 512-d,
   * L2-normalised, Keras' preprocessing, L2 distance; the NHWC layout is read off the graph.
   */
  public static Builder<OnnxFeatureEmbedder> vgg16() {
    return OnnxFeatureEmbedder.builder(ModelFamily.VGG16);
  }

  /**
   * The embedder of any family, for code that takes the family as a value; {@link OnnxContrastiveEmbedder#builder}
   * and {@link OnnxFeatureEmbedder#builder} give the typed builder of a kind.
   */
  public static Builder<? extends FamilyEmbedder> family(ModelFamily family) {
    return family.hasText() ? OnnxContrastiveEmbedder.builder(family) : OnnxFeatureEmbedder.builder(family);
  }

  /**
   * Builds an ONNX Runtime embedder of one family: the options every runtime shares ({@link EmbedderBuilder}) and
   * the ONNX Runtime settings. Not thread-safe.
   *
   * @param <E> the embedder it builds
   */
  public static final class Builder<E extends FamilyEmbedder> extends EmbedderBuilder<Builder<E>, E> {
    OnnxOptions options = OnnxOptions.defaults();

    Builder(ModelFamily family, Kind kind, Function<Builder<E>, E> build) {
      super(family, kind, build);
    }

    /** ONNX Runtime settings: threads, optimisation, CPU or CUDA (default {@link OnnxOptions#defaults()}). */
    public Builder<E> options(OnnxOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }
  }
}

package dev.imgsearch.embedders;

import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.text.ClipTextCleaner;
import dev.imgsearch.image.ImageRecipe;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The model families every embedder module supports, each one described as data that the one embedder class per
 * {@link Kind} of each runtime interprets: the kind, the reference preprocessing recipe, the text side (context
 * length, pad id, text cleaning, the tokens of a dummy text for combined graphs), the tensor names of the reference
 * exports (inputs in the order the exports declare them, which is also the order positional engines such as
 * TorchScript take them; outputs in order of preference), the image layout, how a spatial output is pooled, whether
 * vectors are L2-normalised, the metric they are compared by, and the Hugging Face Hub repository of a public export
 * when there is one.
 *
 * <p>A new family is one more constant here; no embedder class changes. For example an image-only CNN with two
 * outputs (a pooled feature and class logits) and TensorFlow-style scaling would be
 * {@code features("EfficientNet-Lite0", tfRecipe, MetricType.L2).input("images", ImageLayout.NHWC)
 * .outputs("features").normalized(false)}: the output list picks the feature over the logits.
 */
public enum ModelFamily {
  /** OpenAI CLIP (the "Text to Image Search with Milvus" tutorial): 77 tokens, CLIP text cleaning, cosine. */
  CLIP(Spec.contrastive("CLIP", ImageRecipe.openAiClip(224))
      .text(77, ClipTextCleaner::clean, 49406, 49407)
      .textInputs("input_ids", "attention_mask")
      .combinedInputs("input_ids", "pixel_values", "attention_mask")
      .hub("Xenova/clip-vit-base-patch32")),
  /**
   * Chinese-CLIP ({@code cn_clip}, the "Milvus的以文搜图" and "玩转多模态搜索" tutorials): 52 BERT tokens with token type
   * ids, cosine.
   */
  CHINESE_CLIP(Spec.contrastive("Chinese-CLIP", ImageRecipe.chineseClip(224))
      .text(52, UnaryOperator.identity(), 101, 102)
      .textInputs("input_ids", "attention_mask", "token_type_ids")
      .combinedInputs("input_ids", "pixel_values", "attention_mask", "token_type_ids")
      .hub("Xenova/chinese-clip-vit-base-patch16")),
  /**
   * torchvision ResNet50 without its classifier (the "Image Search with Milvus" tutorial): the 2048-d average-pooled
   * feature ({@code pooler_output} is {@code [N, 2048, 1, 1]}, taken as it is), not normalised, L2 distance.
   */
  RESNET50(Spec.features("ResNet50", ImageRecipe.torchvisionResNet(), MetricType.L2)
      .outputs("pooler_output", "output", "last_hidden_state").normalized(false)),
  /**
   * Keras VGG16, {@code include_top=False, pooling="max"} (the "Milvus向量数据库之以图搜图" tutorial): 512-d,
   * L2-normalised, NHWC input, L2 distance.
   */
  VGG16(Spec.features("VGG16", ImageRecipe.kerasVgg16(), MetricType.L2)
      .input("input_1", ImageLayout.NHWC).outputs("global_max_pooling2d", "output_0", "output")
      .pooling(Pooling.MAX));

  /** The name of the vision tower's graph in a model directory ({@code onnx/vision_model.onnx}). */
  public static final String VISION_GRAPH = "vision_model";
  /** The name of the text tower's graph ({@code onnx/text_model.onnx}). */
  public static final String TEXT_GRAPH = "text_model";
  /** The name of a single (or combined) graph ({@code onnx/model.onnx}). */
  public static final String MODEL_GRAPH = "model";
  /** The text output of the contrastive families. */
  public static final String TEXT_OUTPUT = "text_embeds";
  /** The logits output of a combined contrastive graph. */
  public static final String LOGITS_OUTPUT = "logits_per_image";

  /** What a family embeds, and so which embedder class of a runtime runs it. */
  public enum Kind {
    /** An image tower and a text tower into one space (CLIP-like): text-to-image search, zero-shot labels. */
    CONTRASTIVE("contrastive (text and image)"),
    /** One image-only graph whose (pooled) output is the vector: image-to-image search. */
    FEATURES("image-only");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    /** The families of this kind, by display name, for messages ("CLIP, Chinese-CLIP"). */
    public String families() {
      return Arrays.stream(ModelFamily.values()).filter(f -> f.kind == this).map(ModelFamily::displayName)
          .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private final String displayName;
  private final Kind kind;
  private final ImageRecipe recipe;
  private final int contextLength;
  private final UnaryOperator<String> cleaner;
  private final long[] dummyText;
  private final List<String> textInputs;
  private final List<String> combinedInputs;
  private final String imageInput;
  private final ImageLayout layout;
  private final List<String> imageOutputs;
  private final Pooling pooling;
  private final boolean normalized;
  private final MetricType metric;
  private final String hubRepository;

  ModelFamily(Spec s) {
    this.displayName = s.displayName;
    this.kind = s.kind;
    this.recipe = s.recipe;
    this.contextLength = s.contextLength;
    this.cleaner = s.cleaner;
    this.dummyText = s.dummyText;
    this.textInputs = s.textInputs;
    this.combinedInputs = s.combinedInputs;
    this.imageInput = s.imageInput;
    this.layout = s.layout;
    this.imageOutputs = s.imageOutputs;
    this.pooling = s.pooling;
    this.normalized = s.normalized;
    this.metric = s.metric;
    this.hubRepository = s.hubRepository;
  }

  /** The name used in messages ("CLIP", "Chinese-CLIP", "ResNet50", "VGG16"). */
  public String displayName() {
    return displayName;
  }

  /** Contrastive (text and image) or image-only features. */
  public Kind kind() {
    return kind;
  }

  /** The reference preprocessing, used unless the builder (or, for contrastive families, the model) says otherwise. */
  public ImageRecipe recipe() {
    return recipe;
  }

  /** Whether the family has a text tower (the contrastive kind). */
  public boolean hasText() {
    return kind == Kind.CONTRASTIVE;
  }

  /** Tokens per text (77 CLIP, 52 Chinese-CLIP; 0 for the image-only families). */
  public int contextLength() {
    return contextLength;
  }

  /** The id that fills rows after the text (0 in both reference implementations). */
  public long padId() {
    return 0;
  }

  /** The text cleaning before tokenisation (CLIP's {@code basic_clean}, or none). */
  public UnaryOperator<String> cleaner() {
    return cleaner;
  }

  /** The tokens of an empty text (start and end), fed to a combined graph when only images are embedded. */
  public long[] dummyText() {
    return dummyText.clone();
  }

  /** The inputs of the text tower's graph, in the export's order. */
  public List<String> textInputs() {
    return textInputs;
  }

  /** The inputs of a combined (image + text) graph, in the export's order. */
  public List<String> combinedInputs() {
    return combinedInputs;
  }

  /** The image input of the reference export. */
  public String imageInput() {
    return imageInput;
  }

  /** The image layout of the reference export. */
  public ImageLayout layout() {
    return layout;
  }

  /** The image (or feature) outputs of the reference exports, in order of preference. */
  public List<String> imageOutputs() {
    return imageOutputs;
  }

  /** The text outputs of the reference exports, in order of preference (none for the image-only families). */
  public List<String> textOutputs() {
    return hasText() ? List.of(TEXT_OUTPUT) : List.of();
  }

  /** How a spatial feature map is pooled into a vector. */
  public Pooling pooling() {
    return pooling;
  }

  /** Whether the family's vectors are L2-normalised by default (always, for the contrastive kind). */
  public boolean normalized() {
    return normalized;
  }

  /** The metric the family's vectors are compared by. */
  public MetricType metric() {
    return metric;
  }

  /** The Hugging Face Hub repository of a public export in the layout the embedders load, if there is one. */
  public Optional<String> hubRepository() {
    return Optional.ofNullable(hubRepository);
  }

  /** The graphs to look for in a model directory or hub repository. */
  public List<String> graphs() {
    return hasText() ? List.of(VISION_GRAPH, TEXT_GRAPH, MODEL_GRAPH) : List.of(MODEL_GRAPH);
  }

  /** The data of one family, written as a chain so that an entry reads as what it changes from the defaults. */
  private static final class Spec {
    private final String displayName;
    private final Kind kind;
    private final ImageRecipe recipe;
    private final MetricType metric;
    private int contextLength;
    private UnaryOperator<String> cleaner = UnaryOperator.identity();
    private long[] dummyText = new long[0];
    private List<String> textInputs = List.of();
    private List<String> combinedInputs = List.of();
    private String imageInput = "pixel_values";
    private ImageLayout layout = ImageLayout.NCHW;
    private List<String> imageOutputs = List.of("image_embeds");
    private Pooling pooling = Pooling.AVERAGE;
    private boolean normalized = true;
    private String hubRepository;

    private Spec(String displayName, Kind kind, ImageRecipe recipe, MetricType metric) {
      this.displayName = displayName;
      this.kind = kind;
      this.recipe = recipe;
      this.metric = metric;
    }

    static Spec contrastive(String displayName, ImageRecipe recipe) {
      return new Spec(displayName, Kind.CONTRASTIVE, recipe, MetricType.COSINE);
    }

    static Spec features(String displayName, ImageRecipe recipe, MetricType metric) {
      return new Spec(displayName, Kind.FEATURES, recipe, metric);
    }

    Spec text(int contextLength, UnaryOperator<String> cleaner, long... dummyText) {
      this.contextLength = contextLength;
      this.cleaner = cleaner;
      this.dummyText = dummyText;
      return this;
    }

    Spec textInputs(String... names) {
      this.textInputs = List.of(names);
      return this;
    }

    Spec combinedInputs(String... names) {
      this.combinedInputs = List.of(names);
      return this;
    }

    Spec input(String name, ImageLayout layout) {
      this.imageInput = name;
      this.layout = layout;
      return this;
    }

    Spec outputs(String... names) {
      this.imageOutputs = List.of(names);
      return this;
    }

    Spec pooling(Pooling pooling) {
      this.pooling = pooling;
      return this;
    }

    Spec normalized(boolean normalized) {
      this.normalized = normalized;
      return this;
    }

    Spec hub(String repository) {
      this.hubRepository = repository;
      return this;
    }
  }
}

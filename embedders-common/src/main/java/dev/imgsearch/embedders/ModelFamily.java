package dev.imgsearch.embedders;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.embedders.text.ClipTextCleaner;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The model families every embedder module supports, with what defines each one whatever engine runs it: the
 * reference preprocessing recipe, the text side (context length, pad id, text cleaning, the tokens of a dummy text
 * for combined graphs), the tensor names of the reference exports (inputs in the order the exports declare them,
 * which is also the order positional engines such as TorchScript take them; outputs in order of preference), how a
 * spatial output is pooled, whether vectors are L2-normalised, and the metric they are compared by.
 */
public enum ModelFamily {
  /** OpenAI CLIP (the "Text to Image Search with Milvus" tutorial): 77 tokens, CLIP text cleaning, cosine. */
  CLIP("CLIP", ImageRecipe.openAiClip(224), 77, ClipTextCleaner::clean, new long[] {49406, 49407},
      List.of("input_ids", "attention_mask"), List.of("input_ids", "pixel_values", "attention_mask"),
      "pixel_values", ImageLayout.NCHW, List.of("image_embeds"), Pooling.AVERAGE, true, MetricType.COSINE),
  /** Chinese-CLIP ({@code cn_clip}, the Chinese-CLIP tutorials): 52 BERT tokens, cosine. */
  CHINESE_CLIP("Chinese-CLIP", ImageRecipe.chineseClip(224), 52, UnaryOperator.identity(), new long[] {101, 102},
      List.of("input_ids", "attention_mask", "token_type_ids"),
      List.of("input_ids", "pixel_values", "attention_mask", "token_type_ids"),
      "pixel_values", ImageLayout.NCHW, List.of("image_embeds"), Pooling.AVERAGE, true, MetricType.COSINE),
  /** torchvision ResNet50 without its classifier (the "Image Search with Milvus" tutorial): the 2048-d average-pooled feature, L2 distance. */
  RESNET50("ResNet50", ImageRecipe.torchvisionResNet(), 0, UnaryOperator.identity(), new long[0], List.of(),
      List.of(), "pixel_values", ImageLayout.NCHW, List.of("pooler_output", "output", "last_hidden_state"),
      Pooling.AVERAGE, false, MetricType.L2),
  /** Keras VGG16, {@code include_top=False, pooling="max"} (the "Milvus向量数据库之以图搜图" tutorial): 512-d, L2-normalised, NHWC, L2 distance. */
  VGG16("VGG16", ImageRecipe.kerasVgg16(), 0, UnaryOperator.identity(), new long[0], List.of(), List.of(),
      "input_1", ImageLayout.NHWC, List.of("global_max_pooling2d", "output_0", "output"), Pooling.MAX, true,
      MetricType.L2);

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

  private final String displayName;
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

  ModelFamily(String displayName, ImageRecipe recipe, int contextLength, UnaryOperator<String> cleaner,
      long[] dummyText, List<String> textInputs, List<String> combinedInputs, String imageInput, ImageLayout layout,
      List<String> imageOutputs, Pooling pooling, boolean normalized, MetricType metric) {
    this.displayName = displayName;
    this.recipe = recipe;
    this.contextLength = contextLength;
    this.cleaner = cleaner;
    this.dummyText = dummyText;
    this.textInputs = textInputs;
    this.combinedInputs = combinedInputs;
    this.imageInput = imageInput;
    this.layout = layout;
    this.imageOutputs = imageOutputs;
    this.pooling = pooling;
    this.normalized = normalized;
    this.metric = metric;
  }

  /** The name used in messages ("CLIP", "Chinese-CLIP", "ResNet50", "VGG16"). */
  public String displayName() {
    return displayName;
  }

  /** The reference preprocessing, used unless {@code preprocessor_config.json} or the builder says otherwise. */
  public ImageRecipe recipe() {
    return recipe;
  }

  /** Whether the family has a text tower. */
  public boolean hasText() {
    return contextLength > 0;
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

  /** How a spatial feature map is pooled into a vector. */
  public Pooling pooling() {
    return pooling;
  }

  /** Whether the family's vectors are L2-normalised by default. */
  public boolean normalized() {
    return normalized;
  }

  /** The metric the family's vectors are compared by. */
  public MetricType metric() {
    return metric;
  }

  /** The graphs to look for in a model directory or hub repository. */
  public List<String> graphs() {
    return hasText() ? List.of(VISION_GRAPH, TEXT_GRAPH, MODEL_GRAPH) : List.of(MODEL_GRAPH);
  }
}

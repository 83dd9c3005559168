package dev.imgsearch.djl;

import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.text.TextTokenizer;
import dev.imgsearch.embedders.text.TextTokenizer.TokenBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DJL translator of the text path: tokenises with the shared {@link TextTokenizer} (the model's
 * {@code tokenizer.json}, cut and padded as the reference implementations do, the same ids as
 * {@code imgsearch-embedders-onnx}) and fills {@code input_ids}, {@code attention_mask}, {@code token_type_ids}
 * (zeros) and {@code position_ids} for the graphs that take them; a combined graph also gets one image (blank, or
 * the probe image that reads the logit scale).
 */
final class TextTranslator extends GraphTranslator<TextTranslator.Batch> {
  /** Texts to embed. */
  record Batch(List<String> texts) {}

  private final TextTokenizer tokenizer;
  private final Tensor image;

  /**
   * @param image the image input of a combined graph ({@code pixel_values} or the family's image input), or null
   */
  TextTranslator(DjlEngine engine, ModelFamily family, TextTokenizer tokenizer, String imageInput, Tensor image,
      List<String> outputs) {
    super(engine, image != null ? family.combinedInputs() : family.textInputs(), outputs);
    this.tokenizer = tokenizer;
    this.image = image;
    this.imageInput = imageInput;
  }

  private final String imageInput;

  @Override
  Map<String, Tensor> feeds(Batch batch) {
    TokenBatch tokens = tokenizer.encode(batch.texts());
    int n = tokens.size();
    int len = tokenizer.contextLength();
    long[] positions = new long[n * len];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i % len;
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    feeds.put("input_ids", Tensor.longs(tokens.flatIds(), n, len));
    if (image != null) {
      feeds.put(imageInput, image);
    }
    feeds.put("attention_mask", Tensor.longs(tokens.flatAttentionMask(), n, len));
    feeds.put("token_type_ids", Tensor.longs(new long[n * len], n, len));
    feeds.put("position_ids", Tensor.longs(positions, n, len));
    return feeds;
  }
}

package dev.imgsearch.onnx;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.text.TextTokenizer;
import dev.imgsearch.embedders.text.TextTokenizer.TokenBatch;
import dev.imgsearch.onnx.session.OnnxModel;
import dev.imgsearch.onnx.session.OnnxModel.Input;
import dev.imgsearch.onnx.session.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The text half of a graph: tokenises, fills {@code input_ids}, {@code attention_mask}, {@code token_type_ids}
 * (zeros) and {@code position_ids} (0..n-1) when the graph has them, and reads the embedding output.
 */
final class TextTower implements FamilyEmbedder.Tower<String> {
  private final OnnxModel model;
  private final TextTokenizer tokenizer;
  private final String output;
  private final IntFunction<Map<String, Input>> otherInputs;
  private final int fixedBatch;
  private final int dimension;

  TextTower(OnnxModel model, TextTokenizer tokenizer, List<String> outputNames,
      IntFunction<Map<String, Input>> otherInputs) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.otherInputs = otherInputs;
    TensorSpec ids = model.inputs().get("input_ids");
    if (ids == null) {
      throw new ModelException("Text model " + model.file() + " has no 'input_ids' input (its inputs are "
          + model.inputs().values() + "); export the text tower with the Hugging Face input names.");
    }
    long seq = ids.dim(1);
    if (seq > 0 && seq != tokenizer.contextLength()) {
      throw new ModelException("Text model " + model.file() + " takes " + seq + " tokens but the context length "
          + "is " + tokenizer.contextLength() + "; set contextLength(" + seq + ") in the builder.");
    }
    this.fixedBatch = ids.dim(0) > 0 ? (int) ids.dim(0) : 0;
    this.output = ImageTower.pick(model, outputNames, "text");
    TensorSpec out = model.outputs().get(output);
    this.dimension = out.elementsPerItem() > 0 ? (int) out.elementsPerItem() : embed(List.of("")).get(0).length;
  }

  int dimension() {
    return dimension;
  }

  TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    List<float[]> out = new java.util.ArrayList<>(texts.size());
    int chunk = fixedBatch > 0 ? fixedBatch : Math.max(1, texts.size());
    for (int start = 0; start < texts.size(); start += chunk) {
      List<String> part = texts.subList(start, Math.min(texts.size(), start + chunk));
      out.addAll(run(tokenizer.encode(padTo(part, fixedBatch))).subList(0, part.size()));
    }
    return out;
  }

  private static List<String> padTo(List<String> texts, int rows) {
    if (rows <= texts.size()) {
      return texts;
    }
    List<String> padded = new java.util.ArrayList<>(texts);
    while (padded.size() < rows) {
      padded.add("");
    }
    return padded;
  }

  private List<float[]> run(TokenBatch batch) {
    int n = batch.size();
    int len = tokenizer.contextLength();
    Map<String, Input> feeds = new LinkedHashMap<>(otherInputs.apply(1));
    feeds.putAll(feeds(model, batch.flatIds(), n, len, batch.flatAttentionMask()));
    if (model.inputs().containsKey("position_ids")) {
      long[] positions = new long[n * len];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = i % len;
      }
      feeds.put("position_ids", Input.longs(positions, n, len));
    }
    return model.run(feeds, Set.of(output)).get(output).rows();
  }

  /**
   * {@code input_ids}, and {@code attention_mask} ({@code mask}, or ones when null) and {@code token_type_ids}
   * (zeros) when the graph takes them, for {@code n} texts of {@code len} tokens.
   */
  static Map<String, Input> feeds(OnnxModel model, long[] ids, int n, int len, long[] mask) {
    Map<String, Input> feeds = new LinkedHashMap<>();
    feeds.put("input_ids", Input.longs(ids, n, len));
    if (model.inputs().containsKey("attention_mask")) {
      long[] ones = new long[ids.length];
      java.util.Arrays.fill(ones, 1);
      feeds.put("attention_mask", Input.longs(mask != null ? mask : ones, n, len));
    }
    if (model.inputs().containsKey("token_type_ids")) {
      feeds.put("token_type_ids", Input.longs(new long[n * len], n, len));
    }
    return feeds;
  }
}

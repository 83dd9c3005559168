package dev.imgsearch.embedders.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A Hugging Face {@code tokenizer.json} (run by DJL's binding of the Rust {@code tokenizers} library; its native
 * library ships inside the DJL jar, nothing is downloaded) that turns texts into fixed-length rows of token ids the
 * way the reference CLIP implementations do: the tokenizer's own special tokens around each text, rows cut to the
 * context length with the last token of the encoding (the end token) kept in the last place, then padded with the
 * pad id. An optional text cleaner runs before tokenisation (OpenAI CLIP cleans text before its BPE; see
 * {@link ClipTextCleaner}).
 *
 * <p>Thread-safe; close it to free the native tokenizer.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int contextLength;
  private final long padId;
  private final UnaryOperator<String> cleaner;
  private final Path file;
  private volatile boolean closed;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, Path file, int contextLength, long padId,
      UnaryOperator<String> cleaner) {
    this.tokenizer = tokenizer;
    this.file = file;
    this.contextLength = contextLength;
    this.padId = padId;
    this.cleaner = cleaner;
  }

  /**
   * Loads a {@code tokenizer.json}.
   *
   * @param contextLength the length of every row (77 for CLIP, 52 for Chinese-CLIP)
   * @param padId the id that fills rows after the text (0 in both reference implementations)
   * @param cleaner applied to each text before tokenisation ({@link UnaryOperator#identity()} for none)
   */
  public static TextTokenizer load(Path tokenizerJson, int contextLength, long padId, UnaryOperator<String> cleaner) {
    if (contextLength < 2) {
      throw new InvalidInputException("contextLength is " + contextLength + "; it must leave room for the start "
          + "and end tokens (at least 2).");
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new ModelException("Tokenizer file " + tokenizerJson + " does not exist. A text model directory needs "
          + "the tokenizer.json of its model (Hugging Face layout).");
    }
    try {
      // Truncation and padding are done here, as the reference does, not by the tokenizer's own settings.
      HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
          "addSpecialTokens", "true", "truncation", "false", "padding", "false",
          "maxLength", String.valueOf(Integer.MAX_VALUE / 2)));
      return new TextTokenizer(tokenizer, tokenizerJson, contextLength, padId, Objects.requireNonNull(cleaner));
    } catch (IOException | RuntimeException e) {
      throw new ModelException("Could not load tokenizer " + tokenizerJson + " (" + e.getMessage() + "). Check "
          + "that it is a Hugging Face tokenizer.json (re-download the model).", e);
    }
  }

  public int contextLength() {
    return contextLength;
  }

  /** Token ids of one text, {@link #contextLength()} of them. */
  public long[] ids(String text) {
    return encode(List.of(text)).ids()[0];
  }

  /** Tokenises texts into rows of {@link #contextLength()} ids, with their attention masks. */
  public TokenBatch encode(List<String> texts) {
    if (closed) {
      throw new ClosedException("Tokenizer " + file);
    }
    int n = texts.size();
    long[][] ids = new long[n][contextLength];
    long[][] mask = new long[n][contextLength];
    String[] cleaned = new String[n];
    for (int i = 0; i < n; i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new InvalidInputException("Text " + i + " of the batch is null; pass a string (it may be empty).");
      }
      cleaned[i] = cleaner.apply(text);
    }
    Encoding[] encodings = tokenizer.batchEncode(cleaned);
    for (int i = 0; i < n; i++) {
      long[] tokens = encodings[i].getIds();
      int length = Math.min(tokens.length, contextLength);
      System.arraycopy(tokens, 0, ids[i], 0, length);
      if (tokens.length > contextLength) {
        ids[i][contextLength - 1] = tokens[tokens.length - 1]; // keep the end token, as the references do
      }
      for (int j = 0; j < contextLength; j++) {
        if (j >= length) {
          ids[i][j] = padId;
        } else {
          mask[i][j] = 1;
        }
      }
    }
    return new TokenBatch(ids, mask);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }

  /** Rows of token ids and attention masks (1 for a token of the text, 0 for padding). */
  public record TokenBatch(long[][] ids, long[][] attentionMask) {

    public int size() {
      return ids.length;
    }

    /** All ids in one row-major array. */
    public long[] flatIds() {
      return flatten(ids);
    }

    /** All masks in one row-major array. */
    public long[] flatAttentionMask() {
      return flatten(attentionMask);
    }

    private static long[] flatten(long[][] rows) {
      int width = rows.length == 0 ? 0 : rows[0].length;
      long[] flat = new long[rows.length * width];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, flat, i * width, width);
      }
      return flat;
    }
  }
}

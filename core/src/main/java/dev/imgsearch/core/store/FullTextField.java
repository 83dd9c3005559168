package dev.imgsearch.core.store;

import dev.imgsearch.core.InvalidInputException;
import java.util.Objects;

/**
 * A BM25 full-text index over a VARCHAR field of the collection: the store analyses the field's text when rows
 * are written, and {@link HybridSearchRequest.Builder#text text routes} of a {@link HybridSearchRequest} score a
 * text query against it with BM25 (larger is closer). Rows never carry a value for it. Immutable.
 *
 * <p>On Milvus it is a {@code SPARSE_FLOAT_VECTOR} field that a BM25 function fills from the text field (Milvus
 * 2.5+, Milvus Lite 3.x); an embedded store maps it to its own full-text index.
 *
 * <pre>{@code
 * CollectionSpec.builder("products")
 *     .primaryKey(FieldSpec.varchar("id", 64))
 *     .field(FieldSpec.varchar("caption", 1000))
 *     .field(FieldSpec.vector("image", 512, MetricType.COSINE))
 *     .fullText(FullTextField.of("caption_bm25", "caption", FullTextField.Analyzer.CHINESE))
 *     .build();
 * }</pre>
 *
 * @param name the name text routes search by (a field name of the collection on Milvus)
 * @param textField the VARCHAR field whose text is indexed
 * @param analyzer how the text is split into terms
 */
public record FullTextField(String name, String textField, Analyzer analyzer) {

  /** How text is split into terms. */
  public enum Analyzer {
    /** Unicode word boundaries, lower-cased (Milvus's {@code standard} analyzer). */
    STANDARD,
    /** Chinese word segmentation (Milvus's {@code jieba} tokenizer). */
    CHINESE
  }

  public FullTextField {
    FieldSpec.checkName("full-text field", name);
    FieldSpec.checkName("field", textField);
    Objects.requireNonNull(analyzer, "analyzer");
    if (name.equals(textField)) {
      throw new InvalidInputException("Full-text field '" + name + "' has the name of its text field; give it "
          + "another name, e.g. '" + textField + "_bm25'.");
    }
  }

  /** A full-text index named {@code name} over VARCHAR field {@code textField}. */
  public static FullTextField of(String name, String textField, Analyzer analyzer) {
    return new FullTextField(name, textField, analyzer);
  }
}

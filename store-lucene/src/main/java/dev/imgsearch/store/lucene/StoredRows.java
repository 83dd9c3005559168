package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.spi.OutputFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.IndexSearcher;

/**
 * Reads what documents found by a search or a key hold: their primary keys (from doc values) and their rows (stored
 * fields, and the vectors the output names), in the shape {@link Documents} writes them.
 */
final class StoredRows {
  private final CollectionSpec spec;
  private final FieldSpec pk;
  private final Documents documents;

  StoredRows(Documents documents) {
    this.spec = documents.spec();
    this.pk = spec.primaryKey();
    this.documents = documents;
  }

  /** The primary keys of documents (global ids), read from doc values, each segment in document order. */
  Object[] primaryKeys(IndexReader reader, int[] docs) throws IOException {
    Object[] keys = new Object[docs.length];
    List<LeafReaderContext> leaves = reader.leaves();
    boolean longs = pk.type() == FieldType.INT64;
    String field = longs ? Documents.Kind.LONG.field(pk.name()) : Documents.Kind.STRING.field(pk.name());
    int currentLeaf = -1;
    SortedNumericDocValues numbers = null;
    SortedSetDocValues strings = null;
    for (int i : VectorSearch.inDocOrder(docs)) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      LeafReaderContext leaf = leaves.get(leafIndex);
      int local = docs[i] - leaf.docBase;
      if (leafIndex != currentLeaf || (longs ? numbers.docID() : strings.docID()) > local) {
        currentLeaf = leafIndex;
        if (longs) {
          numbers = DocValues.getSortedNumeric(leaf.reader(), field);
        } else {
          strings = DocValues.getSortedSet(leaf.reader(), field);
        }
      }
      if (longs) {
        if (numbers.advanceExact(local)) {
          keys[i] = numbers.nextValue();
        }
      } else if (strings.advanceExact(local)) {
        keys[i] = strings.lookupOrd(strings.nextOrd()).utf8ToString();
      }
    }
    return keys;
  }

  /**
   * The stored rows of documents, in the order given, with the vectors the output names; each row holds the
   * primary key and what {@code out} needs.
   */
  List<Map<String, Object>> load(IndexSearcher s, int[] docs, OutputFields out) throws IOException {
    Set<String> load = out.allScalars() ? documents.allStoredFields() : documents.storedFieldsFor(out.named());
    List<Map<String, Object>> rows = new ArrayList<>(docs.length);
    if (load.size() == 1) {
      // The primary key only: doc values are cheaper than decompressing stored fields.
      for (Object key : primaryKeys(s.getIndexReader(), docs)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(pk.name(), key);
        rows.add(row);
      }
    } else {
      org.apache.lucene.index.StoredFields stored = s.storedFields();
      for (int doc : docs) {
        rows.add(documents.toRow(stored.document(doc, load)));
      }
    }
    for (String name : out.named()) {
      FieldSpec f = spec.field(name).orElse(null);
      if (f != null && f.isVector()) {
        float[][] vectors = VectorSearch.vectors(s.getIndexReader(), documents.rawVectorField(name), docs);
        for (int i = 0; i < docs.length; i++) {
          if (vectors[i] != null) {
            rows.get(i).put(name, vectors[i]);
          }
        }
      }
    }
    return rows;
  }

  /** A loaded row as a {@link Row}: the primary key and the output fields. */
  Row toRow(Map<String, Object> row, OutputFields out) {
    Row.Builder b = Row.builder().put(pk.name(), row.get(pk.name()));
    out.project(row).forEach(b::put);
    return b.build();
  }
}

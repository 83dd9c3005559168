package dev.imgsearch.store.lucene.codec;

import dev.imgsearch.core.store.FieldSpec;
import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A vectors format that writes and reads through one of Lucene's own formats under a name of its own, so that it
 * can accept vectors of up to {@link FieldSpec#MAX_DIMENSION} dimensions (Milvus's limit) where Lucene's formats
 * stop at 1024. Lucene finds the subclasses by name through the service loader when it reads an index.
 */
abstract class DelegatingVectorsFormat extends KnnVectorsFormat {
  private final KnnVectorsFormat delegate;

  DelegatingVectorsFormat(String name, KnnVectorsFormat delegate) {
    super(name);
    this.delegate = delegate;
  }

  @Override
  public final KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return delegate.fieldsWriter(state);
  }

  @Override
  public final KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return delegate.fieldsReader(state);
  }

  @Override
  public final int getMaxDimensions(String fieldName) {
    return FieldSpec.MAX_DIMENSION;
  }

  @Override
  public String toString() {
    return getName() + "(" + delegate + ")";
  }
}

package dev.imgsearch.pipeline;

import java.util.Collection;
import java.util.Objects;

/**
 * Records of (id, bytes, metadata). The records are iterated once, during the run, so an {@link Iterable} can
 * stream them from a database or an archive without holding them all. A record whose id is stored with the
 * same bytes and metadata is skipped. Immutable (as far as the iterable is).
 */
public final class RecordSource extends IndexSource {
  private final Iterable<ImageRecord> records;
  private final String key;

  private RecordSource(Builder b) {
    super(b.sync);
    this.records = b.records;
    this.key = b.key;
  }

  static Builder builder(Iterable<ImageRecord> records) {
    return new Builder(records);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  long count() {
    return records instanceof Collection<?> c ? c.size() : -1;
  }

  @Override
  void produce(IdStrategy ids, Candidate.Sink sink) {
    for (ImageRecord r : records) {
      Candidate c = new Candidate(r.id(), null, r.bytes(), "", key, r.bytes().length, 0L, r.metadata(), r.id());
      if (!sink.accept(c)) {
        return;
      }
    }
  }

  /** Builds a {@link RecordSource}; not thread-safe. */
  public static final class Builder extends IndexSource.Builder<Builder> {
    private final Iterable<ImageRecord> records;
    private String key = "records";

    private Builder(Iterable<ImageRecord> records) {
      this.records = Objects.requireNonNull(records, "records");
    }

    /** The source key stored with the rows (default {@code "records"}); a sync removes rows of this key only. */
    public Builder key(String key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    @Override
    public RecordSource build() {
      return new RecordSource(this);
    }
  }
}

package dev.imgsearch.spark;

import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.pipeline.IdStrategy;
import dev.imgsearch.pipeline.ImageRows;
import dev.imgsearch.pipeline.IndexFailure;
import dev.imgsearch.pipeline.IndexFields;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The work of one task: for each chunk of input rows, looks up the stored rows, skips what is up to date, reads,
 * hashes, decodes and preprocesses the rest, embeds in batches and upserts in batches (or emits the rows, for
 * Parquet). Emits one result row per input row. The decisions are {@code ImageIndex}'s, made with its code
 * ({@link ImageRows}); memory is bounded by the chunk, one inference batch and one upsert batch.
 */
final class PartitionIndexer implements FlatMapFunction<Iterator<org.apache.spark.sql.Row>, org.apache.spark.sql.Row> {
  private static final long serialVersionUID = 1L;

  private final JobConfig cfg;
  private final LongAccumulator embedded;
  private final boolean withMetadata;

  PartitionIndexer(JobConfig cfg, LongAccumulator embedded, boolean withMetadata) {
    this.cfg = cfg;
    this.embedded = embedded;
    this.withMetadata = withMetadata;
  }

  @Override
  public Iterator<org.apache.spark.sql.Row> call(Iterator<org.apache.spark.sql.Row> input) {
    return new Task(input);
  }

  /** One image on its way. */
  private static final class Item {
    final String item;
    final FileLocation file;
    byte[] bytes;
    final String pathField;
    long size;
    long modified;
    final Map<String, Object> metadata;
    final Object metaStruct;
    String id;
    String hash;
    Row existing;
    IndexFailure.Cause failCause;
    String failMessage;
    float[] pixels;
    float[] vector;
    String status;

    Item(String item, FileLocation file, byte[] bytes, String pathField, Map<String, Object> metadata,
        Object metaStruct) {
      this.item = item;
      this.file = file;
      this.bytes = bytes;
      this.pathField = pathField;
      this.metadata = metadata;
      this.metaStruct = metaStruct;
    }

    Item fail(IndexFailure.Cause cause, String message) {
      failCause = cause;
      failMessage = message;
      return this;
    }
  }

  private final class Task implements Iterator<org.apache.spark.sql.Row> {
    private final Iterator<org.apache.spark.sql.Row> input;
    private final ArrayDeque<org.apache.spark.sql.Row> out = new ArrayDeque<>();
    private final int partition;
    private final int attempt;
    private final PixelEmbedder embedder;
    private final ImageDecoder decoder;
    private final FieldSpec vectorField;
    private final FileLocation base;
    private VectorStore store;
    private final List<Item> toEmbed = new ArrayList<>();
    private final List<Item> toWrite = new ArrayList<>();
    private long written;
    private boolean done;

    Task(Iterator<org.apache.spark.sql.Row> input) {
      this.input = input;
      TaskContext tc = TaskContext.get();
      this.partition = tc == null ? 0 : tc.partitionId();
      this.attempt = tc == null ? 0 : tc.attemptNumber();
      this.embedder = ExecutorEmbedders.get(cfg.embedder());
      this.decoder = ImageDecoder.withMaxPixels(cfg.maxPixels());
      this.vectorField = ImageRows.spec(cfg.collection(), embedder, IndexSpec.autoIndex())
          .vectorField(IndexFields.VECTOR);
      this.base = cfg.base() == null ? null : FileLocation.of(cfg.base());
      if (cfg.target() != null) {
        this.store = cfg.target().open();
        if (tc != null) {
          tc.addTaskCompletionListener(new TaskCompletionListener() {
            @Override
            public void onTaskCompletion(TaskContext context) {
              closeStore();
            }
          });
        }
      }
    }

    @Override
    public boolean hasNext() {
      while (out.isEmpty() && !done) {
        if (input.hasNext()) {
          List<org.apache.spark.sql.Row> chunk = new ArrayList<>(cfg.lookupBatchSize());
          while (input.hasNext() && chunk.size() < cfg.lookupBatchSize()) {
            chunk.add(input.next());
          }
          process(chunk);
        } else {
          embedBatch();
          upsert();
          closeStore();
          done = true;
        }
      }
      return !out.isEmpty();
    }

    @Override
    public org.apache.spark.sql.Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return out.poll();
    }

    private void closeStore() {
      if (store != null) {
        VectorStore s = store;
        store = null;
        s.close();
      }
    }

    // ------------------------------------------------------------- one chunk

    private void process(List<org.apache.spark.sql.Row> chunk) {
      List<Item> items = new ArrayList<>(chunk.size());
      for (org.apache.spark.sql.Row r : chunk) {
        items.add(item(r));
      }
      if (cfg.idStrategy() == IdStrategy.CONTENT) {
        for (Item it : items) {
          if (it.failCause == null && it.hash == null && readBytes(it)) {
            it.hash = ImageRows.sha256(it.bytes);
            it.id = it.hash;
            if (it.file != null) {
              it.bytes = null; // read again if it is embedded: bounded memory
            }
          }
        }
      }
      for (Item it : items) {
        if (it.failCause == null) {
          String problem = ImageRows.checkMetadata(it.metadata);
          if (problem == null) {
            problem = ImageRows.checkLengths(it.id == null ? "" : it.id, it.pathField);
          }
          if (problem != null) {
            it.fail(IndexFailure.Cause.INVALID_METADATA, problem);
          }
        }
      }
      lookup(items);
      List<Item> refresh = new ArrayList<>();
      for (Item it : items) {
        if (it.failCause != null) {
          failed(it);
          continue;
        }
        Row ex = it.existing;
        if (ex != null && it.file != null && ImageRows.sameFile(ex, it.size, it.modified)) {
          if (ImageRows.sameAttributes(ex, it.pathField, cfg.sourceKey(), it.metadata)) {
            result(it, SparkIndexReport.UNCHANGED);
            continue;
          }
          it.hash = (String) ex.get(IndexFields.CONTENT_HASH);
          refresh.add(it);
          continue;
        }
        if (it.hash == null) {
          if (!readBytes(it)) {
            failed(it);
            continue;
          }
          it.hash = ImageRows.sha256(it.bytes);
        }
        if (ex != null && it.hash.equals(ex.get(IndexFields.CONTENT_HASH))) {
          if (it.file == null && ImageRows.sameAttributes(ex, it.pathField, cfg.sourceKey(), it.metadata)) {
            result(it, SparkIndexReport.UNCHANGED);
          } else {
            it.bytes = null;
            refresh.add(it);
          }
          continue;
        }
        decodeAndQueue(it);
      }
      rewrite(refresh);
    }

    private Item item(org.apache.spark.sql.Row r) {
      String name = r.getAs("__item");
      String pathName = hasField(r, "__path") ? r.getAs("__path") : null;
      Object metaStruct = hasField(r, "__meta") ? r.getAs("__meta") : null;
      Map<String, Object> metadata = new LinkedHashMap<>();
      String metaError = null;
      try {
        if (metaStruct instanceof org.apache.spark.sql.Row m) {
          metadata = SparkValues.toMap(m);
        }
      } catch (RuntimeException e) {
        metaError = "metadata cannot be stored (" + e.getMessage() + ")";
      }
      Item it;
      if (cfg.kind() == SparkImageSource.Kind.RECORDS) {
        byte[] bytes = r.getAs("__bytes");
        String id = r.getAs("__id");
        it = new Item(name == null ? String.valueOf(id) : name, null, bytes, "", metadata, metaStruct);
        if (id == null || bytes == null) {
          return it.fail(IndexFailure.Cause.INVALID_METADATA, "a record needs an id and bytes; this one has "
              + (id == null ? "no id" : "no bytes") + ".");
        }
        it.id = cfg.idStrategy() == IdStrategy.CONTENT ? null : id;
        it.size = bytes.length;
        it.modified = 0L;
        it.hash = ImageRows.sha256(bytes);
        if (cfg.idStrategy() == IdStrategy.CONTENT) {
          it.id = it.hash;
        }
      } else {
        FileLocation f;
        try {
          f = FileLocation.of(Objects.requireNonNull(pathName, "no path"));
        } catch (RuntimeException e) {
          return new Item(String.valueOf(pathName), null, null, String.valueOf(pathName), metadata, metaStruct)
              .fail(IndexFailure.Cause.UNREADABLE, "is not a valid path (" + e.getMessage() + ").");
        }
        it = new Item(f.pathField, f, null, f.pathField, metadata, metaStruct);
        it.id = cfg.idStrategy() == IdStrategy.PATH ? f.idUnder(base) : null;
        Long size = r.getAs("__size");
        Long mtime = r.getAs("__mtime");
        if (size == null || mtime == null) {
          try {
            long[] st = f.stat(cfg.hadoopConf());
            size = st[0];
            mtime = st[1];
          } catch (IOException | RuntimeException e) {
            return it.fail(IndexFailure.Cause.UNREADABLE, "cannot be read (" + e + "); check that it exists and "
                + "that this process may read it.");
          }
        }
        it.size = size;
        it.modified = mtime;
      }
      return metaError == null ? it : it.fail(IndexFailure.Cause.INVALID_METADATA, metaError);
    }

    private boolean readBytes(Item it) {
      if (it.bytes != null) {
        return true;
      }
      try {
        it.bytes = it.file.read(cfg.hadoopConf());
        return true;
      } catch (IOException | RuntimeException e) {
        it.fail(IndexFailure.Cause.UNREADABLE, "cannot be read (" + e + "); check that it exists and that this "
            + "process may read it.");
        return false;
      }
    }

    private void lookup(List<Item> items) {
      if (store == null) {
        return;
      }
      List<String> ids = new ArrayList<>();
      for (Item it : items) {
        if (it.failCause == null && it.id != null) {
          ids.add(it.id);
        }
      }
      if (ids.isEmpty()) {
        return;
      }
      Map<String, Row> byId = new HashMap<>();
      for (Row r : store.get(cfg.collection(), ids, List.of("*"))) {
        byId.put((String) r.get(IndexFields.ID), r);
      }
      for (Item it : items) {
        if (it.id != null) {
          it.existing = byId.get(it.id);
        }
      }
    }

    /** Rows whose bytes are stored already: rewritten with the stored vector, nothing decoded. */
    private void rewrite(List<Item> refresh) {
      if (refresh.isEmpty()) {
        return;
      }
      List<String> ids = new ArrayList<>();
      refresh.forEach(it -> ids.add(it.id));
      Map<String, float[]> vectors = new HashMap<>();
      for (Row r : store.get(cfg.collection(), ids, List.of(IndexFields.VECTOR))) {
        vectors.put((String) r.get(IndexFields.ID), r.vector(IndexFields.VECTOR));
      }
      for (Item it : refresh) {
        float[] v = vectors.get(it.id);
        if (v == null) {
          if (readBytes(it)) {
            decodeAndQueue(it); // the row went away meanwhile
          } else {
            failed(it);
          }
          continue;
        }
        it.vector = v;
        it.status = SparkIndexReport.MOVED;
        queueWrite(it);
      }
    }

    // ------------------------------------------------------------- decode, embed, write

    private void decodeAndQueue(Item it) {
      if (!readBytes(it)) {
        failed(it);
        return;
      }
      try {
        it.pixels = embedder.recipe().apply(decoder.decode(ImageInput.of(it.bytes)));
      } catch (InvalidImageException e) {
        failed(it.fail(IndexFailure.Cause.of(e.reason()), ImageRows.failureMessage(e)));
        return;
      } catch (ImageSearchException e) {
        throw e; // the model's or the store's trouble, not the image's: the task fails
      } catch (RuntimeException e) {
        failed(it.fail(IndexFailure.Cause.CORRUPT, "could not be decoded (" + e + "); check the file."));
        return;
      } finally {
        it.bytes = null;
      }
      toEmbed.add(it);
      if (toEmbed.size() >= cfg.batchSize()) {
        embedBatch();
      }
    }

    private void embedBatch() {
      if (toEmbed.isEmpty()) {
        return;
      }
      List<float[]> pixels = new ArrayList<>(toEmbed.size());
      toEmbed.forEach(it -> pixels.add(it.pixels));
      List<float[]> vectors = embedder.embedPixels(pixels);
      if (vectors == null || vectors.size() != toEmbed.size()) {
        throw new ModelException("Embedder '" + embedder.modelId() + "' returned "
            + (vectors == null ? "null" : vectors.size() + " vectors") + " for " + toEmbed.size() + " images; "
            + "embedPixels must return one vector per image.");
      }
      embedded.add(toEmbed.size());
      for (int i = 0; i < toEmbed.size(); i++) {
        Item it = toEmbed.get(i);
        it.pixels = null;
        try {
          it.vector = (float[]) vectorField.coerce(vectors.get(i));
        } catch (InvalidInputException e) {
          failed(it.fail(IndexFailure.Cause.INVALID_VECTOR, "the model returned an unusable vector: "
              + e.getMessage()));
          continue;
        }
        it.status = SparkIndexReport.INDEXED;
        queueWrite(it);
      }
      toEmbed.clear();
    }

    private void queueWrite(Item it) {
      if (store == null) {
        result(it, it.status);
        return;
      }
      toWrite.add(it);
      if (toWrite.size() >= cfg.upsertBatchSize()) {
        upsert();
      }
    }

    private void upsert() {
      if (toWrite.isEmpty() || store == null) {
        return;
      }
      List<Row> rows = new ArrayList<>(toWrite.size());
      for (Item it : toWrite) {
        rows.add(ImageRows.row(it.id, it.pathField, cfg.sourceKey(), it.size, it.modified, it.hash, it.vector,
            it.metadata));
      }
      List<Item> ok = new ArrayList<>(toWrite);
      try {
        store.upsert(cfg.collection(), rows);
      } catch (InvalidInputException e) {
        // One bad row fails the whole batch: write them one by one to keep the good ones (as ImageIndex does).
        for (int i = 0; i < rows.size(); i++) {
          try {
            store.upsert(cfg.collection(), List.of(rows.get(i)));
          } catch (InvalidInputException one) {
            Item it = toWrite.get(i);
            ok.remove(it);
            failed(it.fail(IndexFailure.Cause.INVALID_METADATA, "the store refused the row: " + one.getMessage()));
          }
        }
      }
      written += ok.size();
      for (Item it : ok) {
        it.vector = null;
        result(it, it.status);
      }
      toWrite.clear();
      cfg.hook().afterUpsert(partition, attempt, written);
    }

    // ------------------------------------------------------------- results

    private void failed(Item it) {
      out.add(row(SparkIndexReport.FAILED, it.failCause.name(), it.failMessage, it, null, null));
    }

    private void result(Item it, String status) {
      boolean emitRow = store == null;
      out.add(row(status, null, null, it, emitRow ? it.vector : null, emitRow ? it.metaStruct : null));
      it.vector = null;
    }

    private org.apache.spark.sql.Row row(String status, String cause, String message, Item it, float[] vector,
        Object meta) {
      Object[] v = {status, cause, message, it.item, it.id, it.pathField, cfg.sourceKey(), it.size, it.modified,
          it.hash, vector, meta};
      return RowFactory.create(withMetadata ? v : java.util.Arrays.copyOf(v, v.length - 1));
    }
  }

  private static boolean hasField(org.apache.spark.sql.Row r, String name) {
    for (String f : r.schema().fieldNames()) {
      if (f.equals(name)) {
        return true;
      }
    }
    return false;
  }
}

package dev.imgsearch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_millis;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.pipeline.DirectorySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * What a Spark job indexes: files listed by Spark's {@code binaryFile} source, or any DataFrame with a path column
 * or with id and bytes columns, plus metadata columns that become the rows' scalar (dynamic) fields.
 *
 * <pre>{@code
 * SparkImageSource.files(spark, "s3a://photos/2024").build();                   // a directory tree, recursively
 * SparkImageSource.paths(df, "uri").baseDirectory("/data").metadataColumns("label", "year").build();
 * SparkImageSource.records(df, "key", "jpeg_bytes").key("uploads").build();
 * }</pre>
 *
 * <p>Rows match {@code ImageIndex}'s: a directory gives the rows of {@code IndexSource.directory(dir)} (ids
 * relative to it, source = the directory), a path column those of {@code IndexSource.paths(...)} (ids relative to
 * the base directory, or absolute; source = the base, else {@code "paths"}), a bytes column those of
 * {@code IndexSource.records(...)} (path {@code ""}, modification time 0, source {@code "records"}).
 * Spark's file listing ({@code binaryFile}) skips names starting with {@code _} or {@code .} and zero-byte files,
 * which a {@code DirectorySource} indexes (an empty file is reported as {@code EMPTY} there, absent here).
 */
public final class SparkImageSource {
  /** Files (read on the executors) or records (bytes in the DataFrame). */
  public enum Kind {
    /** Each row names a file. */
    FILES,
    /** Each row holds an image's bytes and its id. */
    RECORDS
  }

  private final Dataset<Row> normalized;
  private final Kind kind;
  private final String base;
  private final String key;
  private final boolean withMetadata;

  private SparkImageSource(Dataset<Row> normalized, Kind kind, String base, String key, boolean withMetadata) {
    this.normalized = normalized;
    this.kind = kind;
    this.base = base;
    this.key = key;
    this.withMetadata = withMetadata;
  }

  /**
   * The image files under a directory (recursively) on any Hadoop file system, listed by {@code binaryFile}; with
   * {@link DirectorySource#DEFAULT_EXTENSIONS} unless {@link Builder#extensions} says otherwise. A glob
   * ({@code /data/*}{@code /images}) is allowed; ids are then relative to the part before the first wildcard,
   * unless {@link Builder#baseDirectory} says otherwise.
   */
  public static Builder files(SparkSession spark, String directoryOrGlob) {
    Objects.requireNonNull(directoryOrGlob, "directoryOrGlob");
    // Only the listing's columns: the bytes are read by the tasks, and only for images that need embedding.
    Dataset<Row> listed = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
        .load(directoryOrGlob).select(col("path"), col("length"), col("modificationTime"));
    Builder b = new Builder(listed, Kind.FILES);
    b.pathColumn = "path";
    b.sizeColumn = "length";
    b.modifiedColumn = "modificationTime";
    b.extensions = DirectorySource.DEFAULT_EXTENSIONS;
    b.base = stripGlob(directoryOrGlob);
    b.repartition = Math.max(1, spark.sparkContext().defaultParallelism() * 4);
    return b;
  }

  /** A DataFrame whose column {@code pathColumn} names image files (paths or URIs). */
  public static Builder paths(Dataset<Row> df, String pathColumn) {
    Builder b = new Builder(df, Kind.FILES);
    b.pathColumn = Objects.requireNonNull(pathColumn, "pathColumn");
    return b;
  }

  /** A DataFrame of records: an id column (string) and a bytes column (binary). */
  public static Builder records(Dataset<Row> df, String idColumn, String bytesColumn) {
    Builder b = new Builder(df, Kind.RECORDS);
    b.idColumn = Objects.requireNonNull(idColumn, "idColumn");
    b.bytesColumn = Objects.requireNonNull(bytesColumn, "bytesColumn");
    return b;
  }

  private static String stripGlob(String s) {
    int i = 0;
    while (i < s.length() && "*?[{".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    int slash = s.lastIndexOf('/', i);
    return slash <= 0 ? s.substring(0, Math.max(slash, 0) + 1) : s.substring(0, slash);
  }

  Dataset<Row> normalized() {
    return normalized;
  }

  Kind kind() {
    return kind;
  }

  String base() {
    return base;
  }

  /** The value of the {@code source} field of this source's rows. */
  public String key() {
    return key;
  }

  boolean withMetadata() {
    return withMetadata;
  }

  /** Builds a {@link SparkImageSource}. */
  public static final class Builder {
    private final Dataset<Row> df;
    private final Kind kind;
    private String pathColumn;
    private String idColumn;
    private String bytesColumn;
    private String sizeColumn;
    private String modifiedColumn;
    private String base;
    private String key;
    private Set<String> extensions = Set.of();
    private final List<String> metadataColumns = new ArrayList<>();
    private int repartition;

    private Builder(Dataset<Row> df, Kind kind) {
      this.df = Objects.requireNonNull(df, "df");
      this.kind = kind;
    }

    /** Columns stored with each image as scalar (dynamic) fields, under their column names. */
    public Builder metadataColumns(String... columns) {
      metadataColumns.addAll(List.of(columns));
      return this;
    }

    /** Ids are paths relative to this directory (and it is the source key); files outside keep absolute ids. */
    public Builder baseDirectory(String baseDirectory) {
      this.base = Objects.requireNonNull(baseDirectory, "baseDirectory");
      return this;
    }

    /** The {@code source} value of the rows (default: the base directory, else {@code "paths"}/{@code "records"}). */
    public Builder key(String key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Index files with these extensions only (case-insensitive); none for every file. */
    public Builder extensions(String... extensions) {
      this.extensions = Set.of(extensions);
      return this;
    }

    /** Columns with the file's size (long) and modification time (timestamp or epoch milliseconds). */
    public Builder fileStatusColumns(String sizeColumn, String modifiedColumn) {
      this.sizeColumn = sizeColumn;
      this.modifiedColumn = modifiedColumn;
      return this;
    }

    /**
     * Spread the rows over this many tasks, by a hash of the path or id (deterministic, so a retried task sees
     * the same rows). Default: 4 per core for {@link #files}, the DataFrame's own partitions otherwise.
     */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new InvalidInputException("partitions is " + partitions + "; use 1 or more.");
      }
      this.repartition = partitions;
      return this;
    }

    public SparkImageSource build() {
      List<Column> cols = new ArrayList<>();
      Column item;
      String theKey;
      if (kind == Kind.FILES) {
        item = col(pathColumn).cast(DataTypes.StringType);
        cols.add(item.as("__item"));
        cols.add(item.as("__path"));
        cols.add(sizeColumn == null ? lit(null).cast(DataTypes.LongType).as("__size")
            : col(sizeColumn).cast(DataTypes.LongType).as("__size"));
        Column mtime = null;
        if (modifiedColumn != null) {
          var type = df.schema().apply(modifiedColumn).dataType();
          mtime = type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)
              ? unix_millis(col(modifiedColumn)) : col(modifiedColumn).cast(DataTypes.LongType);
        }
        cols.add(mtime == null ? lit(null).cast(DataTypes.LongType).as("__mtime") : mtime.as("__mtime"));
        theKey = key != null ? key : base != null ? FileLocation.of(base).pathField : "paths";
      } else {
        item = col(idColumn).cast(DataTypes.StringType);
        cols.add(item.as("__item"));
        cols.add(item.as("__id"));
        cols.add(col(bytesColumn).as("__bytes"));
        theKey = key != null ? key : "records";
      }
      if (!metadataColumns.isEmpty()) {
        cols.add(struct(metadataColumns.stream().map(c -> col(c).as(c)).toArray(Column[]::new)).as("__meta"));
      }
      Dataset<Row> d = df;
      if (kind == Kind.FILES && !extensions.isEmpty()) {
        Set<String> ext = extensions.stream().map(e -> e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""))
            .collect(Collectors.toSet());
        d = d.filter(lower(regexp_extract(col(pathColumn), "\\.([^./]+)$", 1)).isin(ext.toArray()));
      }
      d = d.select(cols.toArray(Column[]::new));
      if (repartition > 0) {
        d = d.repartition(repartition, col("__item"));
      }
      return new SparkImageSource(d, kind, base, theKey, !metadataColumns.isEmpty());
    }
  }
}

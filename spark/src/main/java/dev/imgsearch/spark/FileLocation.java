package dev.imgsearch.spark;

import dev.imgsearch.pipeline.ImageRows;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * A file as Spark names it ({@code file:/a/b.jpg}, {@code /a/b.jpg}, {@code s3a://bucket/b.jpg}): local files get
 * exactly the stored path and ids of {@code ImageIndex} (through {@link ImageRows}); files on other Hadoop file
 * systems keep their URI, Unicode NFC.
 */
final class FileLocation {
  /** The local file, or null for another file system. */
  final Path local;
  /** The URI, for other file systems. */
  final URI uri;
  /** The value of {@code path}: absolute, normalised. */
  final String pathField;

  private FileLocation(Path local, URI uri, String pathField) {
    this.local = local;
    this.uri = uri;
    this.pathField = pathField;
  }

  static FileLocation of(String name) {
    URI u = new org.apache.hadoop.fs.Path(name).toUri();
    if (u.getScheme() == null || "file".equals(u.getScheme())) {
      Path p = Path.of(u.getPath());
      return new FileLocation(p, u, ImageRows.absolutePath(p));
    }
    return new FileLocation(null, u, Normalizer.normalize(u.toString(), Normalizer.Form.NFC));
  }

  /** The {@code PATH} id relative to a base (as ImageIndex derives it), or the absolute path outside it. */
  String idUnder(FileLocation base) {
    if (base == null) {
      return pathField;
    }
    if (local != null && base.local != null) {
      Path file = local.toAbsolutePath().normalize();
      Path root = base.local.toAbsolutePath().normalize();
      return file.startsWith(root) ? ImageRows.relativeId(root, file) : pathField;
    }
    String prefix = base.pathField.endsWith("/") ? base.pathField : base.pathField + "/";
    return pathField.startsWith(prefix) ? pathField.substring(prefix.length()) : pathField;
  }

  /** Size and modification time in milliseconds. */
  long[] stat(Map<String, String> hadoopConf) throws IOException {
    if (local != null) {
      var a = Files.readAttributes(local, java.nio.file.attribute.BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw new IOException("not a regular file");
      }
      return new long[] {a.size(), a.lastModifiedTime().toMillis()};
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    FileStatus s = p.getFileSystem(conf(hadoopConf)).getFileStatus(p);
    return new long[] {s.getLen(), s.getModificationTime()};
  }

  byte[] read(Map<String, String> hadoopConf) throws IOException {
    if (local != null) {
      return Files.readAllBytes(local);
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    FileSystem fs = p.getFileSystem(conf(hadoopConf));
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  private static Configuration conf(Map<String, String> entries) {
    Configuration c = new Configuration();
    entries.forEach(c::set);
    return c;
  }

  /** A serializable copy of a Hadoop configuration, for reading files on the executors. */
  static java.util.HashMap<String, String> copy(Configuration c) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : c) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }
}

package dev.imgsearch.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK's version, from a resource Maven fills in at build time. */
final class SdkVersion {
  private static final String VERSION = load();

  private SdkVersion() {}

  static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = SdkVersion.class.getResourceAsStream("imgsearch-version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through: the version is informative only
    }
    return "unknown";
  }
}

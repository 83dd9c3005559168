package dev.imgsearch.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed test images (made by image/src/test/python/make_preprocess_reference.py). */
final class TestImages {
  private TestImages() {}

  /** A file under src/test/resources/images/. */
  static Path path(String name) {
    return resource("/images/" + name);
  }

  /** The bytes of a file under src/test/resources/images/. */
  static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A test resource as a file. */
  static Path resource(String name) {
    URL url = TestImages.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException("missing test resource " + name
          + "; run image/src/test/python/make_preprocess_reference.py");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

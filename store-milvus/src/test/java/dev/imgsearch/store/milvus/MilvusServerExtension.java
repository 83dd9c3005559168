package dev.imgsearch.store.milvus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives integration tests a real Milvus server, one per test JVM, shared by every {@code *IT} class:
 *
 * <ol>
 *   <li>{@code MILVUS_URI} (and {@code MILVUS_TOKEN}) from the environment, when set: any server, as is;
 *   <li>else, where a Docker engine answers, Testcontainers' Milvus module (a standalone Milvus);
 *   <li>else {@code milvus-lite server} from the project's virtual environment (system property
 *       {@code milvus.python}, default {@code <repo>/.venv/bin/python}) on a free loopback port, with a temporary
 *       data directory and its log in {@code store-milvus/target/milvus-lite-PORT.log}.
 * </ol>
 *
 * <p>When none can be had, the tests are skipped with the reason, unless system property {@code milvus.required}
 * is {@code true} (the README's test command sets it): then they fail. The server is stopped when the JVM's
 * tests end. The data directory is deleted then, unless a test failed; the log is always kept.
 *
 * <p>Use: {@code @ExtendWith(MilvusServerExtension.class)}, then take a {@link MilvusEndpoint} parameter in a
 * {@code @BeforeAll}/{@code @Test} method or call {@link #endpoint()}.
 */
public final class MilvusServerExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {
  private static final Logger log = LoggerFactory.getLogger(MilvusServerExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MilvusServerExtension.class);
  private static final AtomicBoolean ANY_FAILURE = new AtomicBoolean();
  private static volatile Resolution resolution;

  /** The endpoint of the shared server; valid after the extension ran for the current test class. */
  public static MilvusEndpoint endpoint() {
    Resolution r = resolution;
    if (r == null || r.endpoint == null) {
      throw new IllegalStateException("No Milvus endpoint: annotate the test class with "
          + "@ExtendWith(MilvusServerExtension.class)" + (r == null ? "" : " (" + r.failure + ")"));
    }
    return r.endpoint;
  }

  /** Whether Milvus is required ({@code -Dmilvus.required=true}): a missing server fails instead of skipping. */
  public static boolean required() {
    return Boolean.getBoolean("milvus.required");
  }

  /** The Python of the project's virtual environment, for tests that start their own Milvus Lite. */
  public static Path python() {
    String configured = System.getProperty("milvus.python");
    if (configured != null && !configured.isBlank() && !configured.contains("${")) {
      return Paths.get(configured);
    }
    // Run from an IDE without the property: look for .venv in this module's parent (the repository root).
    Path cwd = Paths.get("").toAbsolutePath();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".venv/bin/python");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return cwd.resolve(".venv/bin/python");
  }

  /** Where Milvus Lite's data directories and logs go: this module's {@code target/}. */
  public static Path workDir() {
    Path cwd = Paths.get("").toAbsolutePath();
    Path target = Files.isDirectory(cwd.resolve("store-milvus")) ? cwd.resolve("store-milvus/target") : cwd.resolve("target");
    return target;
  }

  /** How long to wait for a server to answer ({@code -Dmilvus.startTimeoutSeconds}, default 90). */
  public static Duration startTimeout() {
    return Duration.ofSeconds(Long.getLong("milvus.startTimeoutSeconds", 90));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    Resolution r = store.getOrComputeIfAbsent(Resolution.class, k -> resolve(), Resolution.class);
    resolution = r;
    if (r.endpoint == null) {
      String reason = "No Milvus server for the integration tests: " + r.failure;
      if (required()) {
        throw new IllegalStateException(reason + " (milvus.required=true, so this fails instead of skipping)");
      }
      Assumptions.abort(reason + " Set -Dmilvus.required=true to make this an error.");
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == MilvusEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return endpoint();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ANY_FAILURE.set(true);
  }

  private static Resolution resolve() {
    String uri = System.getenv("MILVUS_URI");
    if (uri != null && !uri.isBlank()) {
      log.info("Integration tests use the Milvus server at {} (MILVUS_URI)", uri);
      return new Resolution(new MilvusEndpoint(uri, Optional.ofNullable(System.getenv("MILVUS_TOKEN")).orElse(""),
          "MILVUS_URI " + uri, MilvusEndpoint.Kind.EXTERNAL), null, null);
    }
    StringBuilder why = new StringBuilder();
    Optional<Resolution> docker = tryTestcontainers(why);
    if (docker.isPresent()) {
      return docker.get();
    }
    try {
      MilvusLiteServer server = MilvusLiteServer.start(python(), workDir(), "milvus-lite", startTimeout());
      return new Resolution(new MilvusEndpoint(server.uri(), "", "Milvus Lite " + server.uri() + " (log "
          + server.logFile() + ")", MilvusEndpoint.Kind.MILVUS_LITE), server, null);
    } catch (RuntimeException e) {
      why.append(e.getMessage());
      return new Resolution(null, null, why.toString());
    }
  }

  private static Optional<Resolution> tryTestcontainers(StringBuilder why) {
    try {
      if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
        why.append("no Docker engine for Testcontainers; ");
        return Optional.empty();
      }
      org.testcontainers.milvus.MilvusContainer container =
          new org.testcontainers.milvus.MilvusContainer(System.getProperty("milvus.image", "milvusdb/milvus:v2.6.4"));
      container.start();
      log.info("Integration tests use a Testcontainers Milvus at {}", container.getEndpoint());
      return Optional.of(new Resolution(new MilvusEndpoint(container.getEndpoint(), "",
          "Testcontainers " + container.getEndpoint(), MilvusEndpoint.Kind.CONTAINER), container::stop, null));
    } catch (RuntimeException | LinkageError e) {
      why.append("Testcontainers could not start Milvus (").append(e.getMessage()).append("); ");
      return Optional.empty();
    }
  }

  /** What the root store holds: the endpoint (or why there is none) and what to stop at the end. */
  @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13, AutoCloseable for later ones
  private static final class Resolution implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final MilvusEndpoint endpoint;
    final AutoCloseable server;
    final String failure;

    Resolution(MilvusEndpoint endpoint, AutoCloseable server, String failure) {
      this.endpoint = endpoint;
      this.server = server;
      this.failure = failure;
    }

    @Override
    public void close() throws Exception {
      if (server == null) {
        return;
      }
      server.close();
      if (server instanceof MilvusLiteServer lite) {
        if (ANY_FAILURE.get()) {
          log.info("A test failed: keeping Milvus Lite's data in {} and its log in {}", lite.dataDir(), lite.logFile());
        } else {
          deleteTree(lite.dataDir());
        }
      }
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.warn("Could not delete {}: {}", p, e.getMessage());
        }
      });
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", dir, e.getMessage());
    }
  }
}

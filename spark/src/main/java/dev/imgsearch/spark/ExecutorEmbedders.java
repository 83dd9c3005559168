package dev.imgsearch.spark;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.image.PixelEmbedder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedders of this JVM, one per {@link EmbedderSpec}, created on first use and kept for the JVM's life:
 * every task of an executor (and every later job on it) shares one loaded model. Embedders are thread-safe.
 */
final class ExecutorEmbedders {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEmbedders.class);
  private static final Map<EmbedderSpec, PixelEmbedder> EMBEDDERS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorEmbedders() {}

  static PixelEmbedder get(EmbedderSpec spec) {
    return EMBEDDERS.computeIfAbsent(spec, ExecutorEmbedders::load);
  }

  /** How many models this JVM has loaded. */
  static int loads() {
    return LOADS.get();
  }

  private static PixelEmbedder load(EmbedderSpec spec) {
    EmbedderFactory factory;
    try {
      Class<?> c = Class.forName(spec.factoryClass(), true, loader());
      factory = (EmbedderFactory) c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new ModelException("Cannot make embedder factory '" + spec.factoryClass() + "' (" + e + "); pass the "
          + "name of a public class with a public no-argument constructor that implements EmbedderFactory, and "
          + "put its jar on the job's class path (--jars).", e);
    }
    long start = System.nanoTime();
    PixelEmbedder embedder = factory.create(spec.family(), spec.resolveModel());
    LOADS.incrementAndGet();
    LOG.info("Loaded embedder '{}' ({}-d) from {} in {} ms", embedder.modelId(), embedder.dimension(),
        spec.model(), (System.nanoTime() - start) / 1_000_000);
    return embedder;
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : ExecutorEmbedders.class.getClassLoader();
  }
}

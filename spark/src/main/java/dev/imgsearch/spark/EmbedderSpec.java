package dev.imgsearch.spark;

import dev.imgsearch.core.InvalidInputException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Which embedder a job uses, in a form that travels to the executors: the {@link EmbedderFactory} class, the
 * model family and the model's location. Each executor JVM loads the model once per spec and shares it between
 * its tasks and later jobs.
 *
 * <p>The model location is a directory or file every executor can read (a shared mount), or a path relative to
 * the executor's working directory, or the name of a file or archive shipped with the job ({@code spark-submit
 * --files model.onnx} or {@code --archives clip.zip#clip}, found through {@link SparkFiles#get}).
 *
 * @param factoryClass the binary name of an {@link EmbedderFactory} with a public no-argument constructor
 * @param family the model family, passed to the factory (e.g. {@code "clip"})
 * @param model the model directory or file
 */
public record EmbedderSpec(String factoryClass, String family, String model) implements Serializable {
  private static final long serialVersionUID = 1L;

  public EmbedderSpec {
    Objects.requireNonNull(factoryClass, "factoryClass");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(model, "model");
  }

  /** A spec for a factory class. */
  public static EmbedderSpec of(Class<? extends EmbedderFactory> factory, String family, String model) {
    return new EmbedderSpec(factory.getName(), family, model);
  }

  /** The model's path on this JVM: as given when it exists, else the file shipped with the job under that name. */
  public Path resolveModel() {
    Path p = Path.of(model);
    if (Files.exists(p)) {
      return p;
    }
    if (SparkEnv.get() != null) {
      try {
        Path shipped = Path.of(SparkFiles.get(model));
        if (Files.exists(shipped)) {
          return shipped;
        }
      } catch (RuntimeException e) {
        // not shipped: report the path as given below
      }
    }
    throw new InvalidInputException("Model '" + model + "' is neither a path this JVM can read nor a file shipped "
        + "with the job; put it where every executor can read it, or ship it with --files/--archives.");
  }
}

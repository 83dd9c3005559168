package dev.imgsearch.examples;

import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The model and the images, the same for every example that embeds images. */
public final class ModelOptions {
  @Option(names = "--model", paramLabel = "ID|DIR|FILE",
      description = "A Hugging Face Hub repository in the ONNX layout (org/name, or org/name@revision), a local model "
          + "directory (onnx/*.onnx, tokenizer.json, preprocessor_config.json), or for ResNet50/VGG16 one .onnx file.")
  String model;

  @Option(names = "--images", paramLabel = "DIR",
      description = "Your images. Without it the program generates sample images (no network) under --samples-dir.")
  Path images;

  @Option(names = "--samples-dir", paramLabel = "DIR", defaultValue = "imgsearch-samples",
      description = "Where generated sample images go when --images is not given (default: ${DEFAULT-VALUE}).")
  Path samplesDir;

  /** The model the user asked for, or the program's default (null when it has none). */
  String modelOr(String fallback) {
    return model != null ? model : fallback;
  }

  /** The user's images, else the sample images {@code makeSamples} draws under --samples-dir (given it). */
  Path imagesOr(Function<Path, Path> makeSamples) {
    return userImages() ? images : makeSamples.apply(samplesDir);
  }

  /** Whether the user gave a folder of images. */
  boolean userImages() {
    return images != null;
  }
}

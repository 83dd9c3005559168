package dev.imgsearch.spark;

import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.onnx.OnnxEmbedders;
import java.nio.file.Path;

/**
 * The tests' only use of embedders-onnx: the tiny CLIP test model (real signature, random weights), built on each
 * executor from its directory.
 */
public final class OnnxTestEmbedders implements EmbedderFactory {
  /** The tiny CLIP model's directory. */
  static String clipModel() {
    return Path.of(System.getProperty("spark.testModels", "../embedders-onnx/src/test/resources/models"), "clip")
        .toAbsolutePath().toString();
  }

  /** The spec of the tiny CLIP model. */
  static EmbedderSpec clip() {
    return EmbedderSpec.of(OnnxTestEmbedders.class, "clip", clipModel());
  }

  @Override
  public PixelEmbedder create(String family, Path model) {
    return OnnxEmbedders.clip().modelDirectory(model).build();
  }
}

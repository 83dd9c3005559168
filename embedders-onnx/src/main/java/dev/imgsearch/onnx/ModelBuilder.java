package dev.imgsearch.onnx;

import dev.imgsearch.embedders.ModelSource;
import dev.imgsearch.embedders.ModelSourceBuilder;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.util.Objects;

/**
 * What every ONNX embedder builder takes: where the model comes from and the overrides of what the model directory
 * says ({@link ModelSourceBuilder}: a local directory in the Hugging Face ONNX layout, {@code onnx/*.onnx} with
 * {@code tokenizer.json} and {@code preprocessor_config.json}, or a Hub repository of which only the ONNX files
 * this embedder needs are downloaded), and the ONNX Runtime options.
 *
 * @param <B> the concrete builder
 */
public abstract class ModelBuilder<B extends ModelBuilder<B>> extends ModelSourceBuilder<B> {
  OnnxOptions options = OnnxOptions.defaults();

  ModelBuilder() {}

  /** ONNX Runtime settings: threads, optimisation, CPU or CUDA (default {@link OnnxOptions#defaults()}). */
  public B options(OnnxOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return self();
  }

  /** The model settings, for the embedders of this package. */
  ModelSource source() {
    return modelSource();
  }
}

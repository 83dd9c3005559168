package dev.imgsearch.onnx;

import java.util.List;
import dev.imgsearch.embedders.EmbedderSettings;
import dev.imgsearch.embedders.EmbedderSettings.ModelFiles;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.onnx.session.OnnxModel;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.util.Map;

/**
 * The embedder of an image-only family (ResNet50, VGG16; see {@link OnnxEmbedders#resnet50()}) on ONNX Runtime: one
 * graph ({@code onnx/model.onnx} of a model directory, or one {@code .onnx} file), its feature output pooled over
 * H and W when it is a spatial map, L2-normalised as the family or the builder says, compared by the family's metric.
 * The graph's image input ({@code pixel_values}, else its one 4-d input), its layout (NCHW, or NHWC as Keras exports
 * have it) and a fixed or dynamic batch size are read off the graph. Thread-safe.
 */
public final class OnnxFeatureEmbedder extends FamilyEmbedder {

  /**
   * A builder for any image-only family ({@link OnnxEmbedders#resnet50()} names the released ones).
   *
   * @throws dev.imgsearch.core.InvalidInputException for a contrastive family (use {@link OnnxContrastiveEmbedder})
   */
  public static OnnxEmbedders.Builder<OnnxFeatureEmbedder> builder(ModelFamily family) {
    return new OnnxEmbedders.Builder<>(family, ModelFamily.Kind.FEATURES, OnnxFeatureEmbedder::new);
  }

  OnnxFeatureEmbedder(OnnxEmbedders.Builder<OnnxFeatureEmbedder> b) {
    super(b.settings(), load(b.settings(), b.options));
  }

  private static Loaded load(EmbedderSettings settings, OnnxOptions options) {
    ModelFiles files = settings.locate(Format.ONNX, "ONNX Runtime", "");
    return opening(owned -> {
      OnnxModel model = keep(OnnxModel.load(files.image(), options), owned);
      ImageTower tower = new ImageTower(model, files.recipe(), settings.inputName(), settings.layout(),
          settings.imageOutputs(), settings.family().pooling(), n -> Map.of());
      return new Loaded(files.modelId(), files.recipe(), tower, tower.dimension(), owned,
          settings.identity(List.of(files.image()), null, files.recipe(), files.origin()));
    });
  }
}

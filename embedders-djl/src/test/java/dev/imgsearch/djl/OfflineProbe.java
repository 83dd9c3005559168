package dev.imgsearch.djl;

import dev.imgsearch.core.ModelException;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link OfflineTest}: loads a TorchScript model on the PyTorch engine and embeds one blank
 * image. Prints {@code OK <dimension>}, or {@code MODEL-EXCEPTION <message>} and exits with 3. With
 * {@code onnx-first <model.onnx>}, embedders-onnx creates ONNX Runtime's environment before DJL's ONNX Runtime
 * engine starts.
 */
public final class OfflineProbe {
  private OfflineProbe() {}

  public static void main(String[] args) {
    if (args[0].equals("onnx-first")) {
      Path file = Path.of(args[1]);
      try (var onnx = dev.imgsearch.onnx.OnnxEmbedders.resnet50().modelFile(file).build();
          var djl = DjlEmbedders.resnet50().modelFile(file).build()) {
        System.out.println("OK " + onnx.dimension() + " " + djl.dimension());
      } catch (ModelException e) {
        System.out.println("MODEL-EXCEPTION " + e.getMessage());
        System.exit(3);
      }
      return;
    }
    try (DjlFeatureEmbedder e = DjlEmbedders.resnet50().modelFile(Path.of(args[0])).engine(DjlEngine.PYTORCH)
        .build()) {
      float[] v = e.embedPixels(List.of(new float[e.recipe().tensorSize()])).get(0);
      System.out.println("OK " + v.length + " offline=" + System.getProperty("ai.djl.offline"));
    } catch (ModelException e) {
      System.out.println("MODEL-EXCEPTION " + e.getMessage());
      System.exit(3);
    }
  }
}

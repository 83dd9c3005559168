package dev.imgsearch.djl;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.imgsearch.core.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.imgsearch.core.embed.ModelIdentity;
import dev.imgsearch.embedders.EmbedderSettings;
import dev.imgsearch.image.ImageRecipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads graphs through DJL's {@link Criteria}: a file (TorchScript or ONNX) or a model-zoo URL, on one engine, with
 * the builder's options. Models are loaded untyped ({@link NDList} in and out); each embedder makes its predictors
 * with its own translators ({@code model.newPredictor(translator)}).
 */
final class Graphs {
  private Graphs() {}

  static ZooModel<NDList, NDList> loadFile(DjlEngine engine, Path file, DjlEmbedders.Builder<?> b) {
    if (!Files.isRegularFile(file)) {
      throw new ModelException("Model file " + file + " does not exist. Pass a " + engine.format().extension()
          + " file for the " + engine.djlName() + " engine.");
    }
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    // the folder and the file's base name, as DJL's model loaders look a model up
    Criteria.Builder<NDList, NDList> c = criteria(engine, b).optModelPath(file.toAbsolutePath().getParent())
        .optModelName(dot > 0 ? name.substring(0, dot) : name);
    return load(c, file.toString(), engine);
  }

  /**
   * The graph files DJL loaded for these models (from a model URL): in each model's folder, the files named like
   * the model with a TorchScript or ONNX extension; empty when none can be told apart.
   */
  static List<Path> files(ZooModel<?, ?>... models) {
    List<Path> files = new ArrayList<>();
    for (ZooModel<?, ?> m : models) {
      Path dir = m.getModelPath();
      for (String ext : List.of(".pt", ".onnx")) {
        Path f = dir.resolve(m.getName() + ext);
        if (Files.isRegularFile(f) && !files.contains(f)) {
          files.add(f);
        }
      }
    }
    return files;
  }

  /** The identity of a model loaded from a URL: its graph files, or its model id only when none is found. */
  static ModelIdentity identity(EmbedderSettings settings, ZooModel<?, ?> model, ImageRecipe recipe, Path tokenizer) {
    List<Path> files = files(model);
    return files.isEmpty() ? null : settings.identity(files, tokenizer, recipe, model.getModelPath());
  }

  static ZooModel<NDList, NDList> loadUrl(DjlEngine engine, String url, String modelName, DjlEmbedders.Builder<?> b) {
    Criteria.Builder<NDList, NDList> c = criteria(engine, b).optModelUrls(url);
    if (modelName != null) {
      c.optModelName(modelName);
    }
    return load(c, url + (modelName == null ? "" : " (model name " + modelName + ")"), engine);
  }

  private static Criteria.Builder<NDList, NDList> criteria(DjlEngine engine, DjlEmbedders.Builder<?> b) {
    engine.start();
    Criteria.Builder<NDList, NDList> c = Criteria.builder().setTypes(NDList.class, NDList.class)
        .optEngine(engine.djlName());
    if (engine == DjlEngine.ONNX_RUNTIME && b.threads != null) {
      c.optOption("intraOpNumThreads", String.valueOf(b.threads));
      c.optOption("interOpNumThreads", "1");
    }
    for (Map.Entry<String, String> e : b.options.entrySet()) {
      c.optOption(e.getKey(), e.getValue());
    }
    return c;
  }

  private static ZooModel<NDList, NDList> load(Criteria.Builder<NDList, NDList> c, String what, DjlEngine engine) {
    try {
      return c.build().loadModel();
    } catch (ModelNotFoundException e) {
      throw new ModelException("DJL found no " + engine.djlName() + " model at " + what + " (" + e.getMessage()
          + "). Check the path or URL and that it holds a " + engine.format().extension() + " file.", e);
    } catch (MalformedModelException | IOException | RuntimeException e) {
      throw new ModelException("DJL could not load " + what + " on the " + engine.djlName() + " engine ("
          + e.getMessage() + "). Check that it is a " + engine.format().extension() + " export (TorchScript files "
          + "must be saved by torch 2.7 or older).", e);
    }
  }
}

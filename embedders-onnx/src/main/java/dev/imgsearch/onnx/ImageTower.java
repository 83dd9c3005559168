package dev.imgsearch.onnx;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.ImageLayout;
import dev.imgsearch.embedders.Pooling;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.onnx.session.OnnxModel;
import dev.imgsearch.onnx.session.OnnxModel.Input;
import dev.imgsearch.onnx.session.OnnxModel.Output;
import dev.imgsearch.onnx.session.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The image half of a graph: finds the pixel input and the embedding output, converts CHW arrays to the graph's
 * layout (NCHW, or NHWC as Keras exports have it), batches them (whole batches when the batch size is dynamic,
 * chunks when it is fixed) and pools a spatial output ([N, C, H, W] averaged or maxed over H and W).
 */
final class ImageTower implements FamilyEmbedder.Tower<float[]> {
  private final OnnxModel model;
  private final String input;
  private final String output;
  private final ImageLayout layout;
  private final int height;
  private final int width;
  private final int fixedBatch;
  private final Pooling pooling;
  private final IntFunction<Map<String, Input>> otherInputs;
  private final int dimension;

  /**
   * @param inputName the pixel input, or null to find it ({@code pixel_values}, else the one rank-4 input)
   * @param layout the image layout, or null to read it off the input's shape (NHWC when its last dimension is 3)
   * @param outputNames candidate outputs in order of preference (the first one the graph has is used)
   * @param otherInputs the other inputs of a combined graph, for a batch of n images (dummy text)
   */
  ImageTower(OnnxModel model, ImageRecipe recipe, String inputName, ImageLayout layout, List<String> outputNames,
      Pooling pooling, IntFunction<Map<String, Input>> otherInputs) {
    this.model = model;
    this.pooling = pooling;
    this.otherInputs = otherInputs;
    TensorSpec in = findInput(model, inputName);
    this.input = in.name();
    if (in.rank() != 4) {
      throw new ModelException("Image input " + in + " of " + model.file() + " is not a 4-d image batch. Name the "
          + "pixel input in the builder (imageInput(...)).");
    }
    boolean nhwc = layout != null ? layout == ImageLayout.NHWC : in.dim(3) == 3 && in.dim(1) != 3;
    this.layout = nhwc ? ImageLayout.NHWC : ImageLayout.NCHW;
    this.height = recipe.height();
    this.width = recipe.width();
    long h = nhwc ? in.dim(1) : in.dim(2);
    long w = nhwc ? in.dim(2) : in.dim(3);
    if ((h > 0 && h != height) || (w > 0 && w != width)) {
      throw new ModelException("Model " + model.file() + " takes " + w + "x" + h + " images but the recipe "
          + recipe.id() + " makes " + width + "x" + height + ". Give the builder a recipe of the model's size.");
    }
    this.fixedBatch = in.dim(0) > 0 ? (int) in.dim(0) : 0;
    this.output = pick(model, outputNames, "image");
    this.dimension = findDimension(recipe);
  }

  int dimension() {
    return dimension;
  }

  String outputName() {
    return output;
  }

  @Override
  public List<float[]> embed(List<float[]> pixels) {
    List<float[]> out = new ArrayList<>(pixels.size());
    int chunk = fixedBatch > 0 ? fixedBatch : Math.max(1, pixels.size());
    for (int start = 0; start < pixels.size(); start += chunk) {
      out.addAll(run(pixels.subList(start, Math.min(pixels.size(), start + chunk))));
    }
    return out;
  }

  private List<float[]> run(List<float[]> batch) {
    int n = batch.size();
    int rows = fixedBatch > 0 ? fixedBatch : n;
    float[] data = layout.pack(batch, rows, height, width);
    long[] shape = layout.shape(rows, height, width);
    Map<String, Input> feeds = new java.util.LinkedHashMap<>(otherInputs.apply(1));
    feeds.put(input, Input.floats(data, shape));
    Output result = model.run(feeds, Set.of(output)).get(output);
    List<float[]> vectors = pool(result);
    return vectors.subList(0, n);
  }

  private List<float[]> pool(Output result) {
    return Vectors.pool(result.rows(), result.shape(), pooling);
  }

  private int findDimension(ImageRecipe recipe) {
    TensorSpec out = model.outputs().get(output);
    long[] shape = out.shape();
    if (shape.length == 4 && shape[1] > 0) {
      return (int) shape[1];
    }
    if (out.elementsPerItem() > 0) {
      return (int) out.elementsPerItem();
    }
    // symbolic output shape: measure it on one blank image
    return embed(List.of(new float[recipe.tensorSize()])).get(0).length;
  }

  private static TensorSpec findInput(OnnxModel model, String name) {
    Map<String, TensorSpec> inputs = model.inputs();
    if (name != null) {
      TensorSpec spec = inputs.get(name);
      if (spec == null) {
        throw new ModelException("Model " + model.file() + " has no input '" + name + "'; its inputs are "
            + inputs.values() + ".");
      }
      return spec;
    }
    if (inputs.containsKey("pixel_values")) {
      return inputs.get("pixel_values");
    }
    List<TensorSpec> images = inputs.values().stream().filter(s -> s.rank() == 4).toList();
    if (images.size() != 1) {
      throw new ModelException("Cannot tell which input of " + model.file() + " takes the images: "
          + inputs.values() + ". Name it in the builder (imageInput(...)).");
    }
    return images.get(0);
  }

  static String pick(OnnxModel model, List<String> candidates, String what) {
    for (String name : candidates) {
      if (model.outputs().containsKey(name)) {
        return name;
      }
    }
    if (model.outputs().size() == 1) {
      return model.outputs().keySet().iterator().next();
    }
    throw new ModelException("Cannot tell which output of " + model.file() + " is the " + what + " embedding: "
        + "looked for " + candidates + " among " + model.outputs().values() + ". Name it in the builder.");
  }
}

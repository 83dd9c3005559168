package dev.imgsearch.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.PairList;
import dev.imgsearch.core.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of every translator of this module that is the same whatever the input: named host tensors go in, in the
 * order the graph takes them, and named host tensors come out. ONNX Runtime graphs declare their input names, so
 * tensors are matched by name (and tensors the graph does not take are left out); TorchScript modules take them by
 * position, in the family's order ({@link dev.imgsearch.embedders.ModelFamily}). Outputs keep the names the graph
 * gives them (ONNX output names, the keys of a TorchScript dict); unnamed outputs are called {@code output_0},
 * {@code output_1}, ... in order.
 *
 * @param <I> what the translator takes (preprocessed pixels, texts)
 */
abstract class GraphTranslator<I> implements NoBatchifyTranslator<I, GraphTranslator.Outputs> {
  private final DjlEngine engine;
  private final List<String> positionalOrder;
  private final List<String> wanted;
  private volatile List<String> graphInputs;

  /**
   * @param positionalOrder the inputs a positional graph (TorchScript) takes, in order
   * @param wanted the outputs to copy to the host when the graph has them (the others are left in native memory);
   *     when it has none of them, all of its outputs are copied
   */
  GraphTranslator(DjlEngine engine, List<String> positionalOrder, List<String> wanted) {
    this.engine = engine;
    this.positionalOrder = positionalOrder;
    this.wanted = wanted;
  }

  /** The inputs of one call, by name; the graph may not take all of them. */
  abstract Map<String, Tensor> feeds(I input);

  @Override
  public NDList processInput(TranslatorContext ctx, I input) {
    Map<String, Tensor> feeds = feeds(input);
    List<String> order = inputs(ctx.getModel(), feeds);
    NDManager manager = ctx.getNDManager();
    NDList list = new NDList(order.size());
    for (String name : order) {
      Tensor t = feeds.get(name);
      if (t == null) {
        throw new ModelException("The graph of " + ctx.getModel().getName() + " takes an input '" + name + "', which "
            + "this embedder does not know how to fill (it fills " + feeds.keySet() + "). Export the model with the "
            + "Hugging Face input names.");
      }
      list.add(t.toNDArray(manager, order.size() == 1 ? null : name));
    }
    return list;
  }

  private List<String> inputs(Model model, Map<String, Tensor> feeds) {
    if (feeds.size() == 1) {
      return new ArrayList<>(feeds.keySet());
    }
    if (engine == DjlEngine.PYTORCH) {
      List<String> order = new ArrayList<>();
      for (String name : positionalOrder) {
        if (feeds.containsKey(name)) {
          order.add(name);
        }
      }
      return order;
    }
    List<String> names = graphInputs;
    if (names == null) {
      PairList<String, Shape> described = model.describeInput();
      names = described == null ? positionalOrder : described.keys();
      graphInputs = names;
    }
    return names;
  }

  @Override
  public Outputs processOutput(TranslatorContext ctx, NDList list) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    boolean any = false;
    for (NDArray array : list) {
      any |= array.getName() != null && wanted.contains(array.getName());
    }
    int i = 0;
    for (NDArray array : list) {
      String name = array.getName() == null || array.getName().isEmpty() ? "output_" + i : array.getName();
      if (!any || wanted.contains(name)) {
        out.put(name, Tensor.of(array));
      }
      i++;
    }
    return new Outputs(out);
  }

  /** The outputs of one call, by name. */
  record Outputs(Map<String, Tensor> tensors) {
    /** The first of {@code candidates} the graph gave, else its only output. */
    Tensor pick(List<String> candidates, String what, String model) {
      for (String name : candidates) {
        Tensor t = tensors.get(name);
        if (t != null) {
          return t;
        }
      }
      if (tensors.size() == 1) {
        return tensors.values().iterator().next();
      }
      throw new ModelException("Cannot tell which output of " + model + " is the " + what + " embedding: looked "
          + "for " + candidates + " among " + tensors.keySet() + ". Name it in the builder (outputName(...)).");
    }
  }

  static Map<String, Tensor> feedsOf(Object... namesAndTensors) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTensors.length; i += 2) {
      feeds.put((String) namesAndTensors[i], (Tensor) namesAndTensors[i + 1]);
    }
    return feeds;
  }
}

package dev.imgsearch.server;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.LabelProbability;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code POST /api/classify}: zero-shot label probabilities of an uploaded image (models with a text tower). */
record ClassifyRoute(ImageIndex index, Uploads uploads, Limiter limiter) {
  private static final int MAX_LABELS = 64;

  void classify(Context ctx) throws Exception {
    if (!(index.embedder() instanceof MultimodalEmbedder)) {
      throw ApiException.badRequest("no-text-model", "Model '" + index.manifest().modelId() + "' has no text "
          + "tower, so it cannot label images zero-shot; use a text-and-image model such as CLIP.");
    }
    byte[] image = uploads.receive(ctx);
    List<String> labels = labels(ctx);
    String template = Params.param(ctx, "template");
    if (template == null) {
      template = "a photo of a {}.";
    }
    String t = template;
    List<LabelProbability> result = new ArrayList<>();
    limiter.around(c -> result.addAll(index.classify(ImageInput.of(image), labels, t))).handle(ctx);
    List<Map<String, Object>> out = new ArrayList<>();
    for (LabelProbability p : result) {
      out.add(Map.of("label", p.label(), "probability", p.probability()));
    }
    out.sort((a, b) -> Double.compare((double) b.get("probability"), (double) a.get("probability")));
    Json.write(ctx, Map.of("template", template, "labels", out));
  }

  /** The labels, comma- or line-separated in one or more {@code labels} fields: 2 to 64 of at most 200 chars. */
  private static List<String> labels(Context ctx) {
    List<String> labels = new ArrayList<>();
    for (String v : Params.params(ctx, "labels")) {
      for (String l : v.split("[\\n,，]")) {
        if (!l.isBlank()) {
          labels.add(l.strip());
        }
      }
    }
    if (labels.size() < 2 || labels.size() > MAX_LABELS || labels.stream().anyMatch(l -> l.length() > 200)) {
      throw ApiException.badRequest("bad-labels", "Give 2 to " + MAX_LABELS + " labels (each at most 200 "
          + "characters) in the field 'labels', separated by commas or new lines, e.g. labels=cat,dog,bird.");
    }
    return labels;
  }
}

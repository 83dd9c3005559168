/**
 * What the embedder modules ({@code imgsearch-embedders-onnx}, {@code imgsearch-embedders-djl}) share, whatever
 * runs the model: {@link dev.imgsearch.embedders.ModelFamily} (each family as data: its kind, recipe, context length,
 * tensor names, layout, pooling, normalisation and metric), {@link dev.imgsearch.embedders.EmbedderBuilder} (the
 * builder options of every runtime, written once: model source, contrastive and image-only options, decoder and
 * preprocessing executor; read as one {@link dev.imgsearch.embedders.EmbedderSettings}),
 * {@link dev.imgsearch.embedders.FamilyEmbedder} and {@link dev.imgsearch.embedders.ContrastiveFamilyEmbedder} (the
 * embedder around a runtime's towers), {@link dev.imgsearch.embedders.ModelDirectory} (the Hugging Face layout, hub
 * resolution through {@link dev.imgsearch.embedders.hub.HubClient}, {@code preprocessor_config.json} recipes) and
 * {@link dev.imgsearch.embedders.Vectors} (pooling, normalisation, logit scales). Applications use the factories of
 * those modules ({@code OnnxEmbedders}, {@code DjlEmbedders}) and the families named here.
 */
package dev.imgsearch.embedders;

/**
 * What the embedder modules ({@code imgsearch-embedders-onnx}, {@code imgsearch-embedders-djl}) share, whatever
 * runs the model: {@link dev.imgsearch.embedders.ModelDirectory} (the Hugging Face layout, hub resolution through
 * core's {@link dev.imgsearch.embedders.hub.HubClient}, {@code preprocessor_config.json} recipes),
 * {@link dev.imgsearch.embedders.ModelFamily} (each family's recipe, context length, tensor names, pooling and
 * metric), {@link dev.imgsearch.embedders.ModelSourceBuilder} (the model settings every embedder builder takes:
 * directory, hub repository or file, model id, recipe, variant; read as one
 * {@link dev.imgsearch.embedders.ModelSource}) and {@link dev.imgsearch.embedders.Vectors} (layouts, pooling,
 * normalisation, logit scales). Not an application-facing API: applications use the embedders of those modules.
 */
package dev.imgsearch.embedders;

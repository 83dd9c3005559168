/**
 * Embedders on ONNX Runtime, one class per kind of model family: {@link dev.imgsearch.onnx.OnnxContrastiveEmbedder}
 * (text and image, e.g. CLIP) and {@link dev.imgsearch.onnx.OnnxFeatureEmbedder} (image-only features, e.g.
 * ResNet50), built for a {@link dev.imgsearch.embedders.ModelFamily} by {@link dev.imgsearch.onnx.OnnxEmbedders}
 * ({@code clip()}, {@code chineseClip()}, {@code resnet50()}, {@code vgg16()}, {@code family(...)}) from a model
 * directory in the Hugging Face ONNX layout, a Hub repository, or (image-only families) one ONNX file. The reusable
 * pieces live in {@code dev.imgsearch.onnx.session} (ONNX Runtime sessions); what every embedder module shares
 * (families, builder options, model directories, tokenizers) is in {@code imgsearch-embedders-common}
 * ({@code dev.imgsearch.embedders}).
 */
package dev.imgsearch.onnx;

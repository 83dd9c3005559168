/**
 * Embedders on ONNX Runtime: {@link dev.imgsearch.onnx.ClipEmbedder}, {@link dev.imgsearch.onnx.ChineseClipEmbedder},
 * {@link dev.imgsearch.onnx.ResNet50Embedder}, {@link dev.imgsearch.onnx.Vgg16Embedder}, each made by a builder from
 * a model directory in the Hugging Face ONNX layout, a Hub repository, or (image-only families) one ONNX file; and
 * {@link dev.imgsearch.pipeline.ZeroShotClassifier}. The reusable pieces live in {@code dev.imgsearch.onnx.session}
 * (ONNX Runtime sessions); what every embedder module shares (model directories, families, tokenizers) is in
 * {@code imgsearch-embedders-common} ({@code dev.imgsearch.embedders}).
 */
package dev.imgsearch.onnx;

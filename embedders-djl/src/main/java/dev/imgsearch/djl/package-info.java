/**
 * The four model families through DJL ({@code Criteria}, {@code ZooModel}, {@code Predictor}, {@code Translator}):
 * {@link dev.imgsearch.djl.DjlClipEmbedder}, {@link dev.imgsearch.djl.DjlChineseClipEmbedder},
 * {@link dev.imgsearch.djl.DjlResNet50Embedder}, {@link dev.imgsearch.djl.DjlVgg16Embedder}, on the PyTorch
 * (TorchScript) and ONNX Runtime engines ({@link dev.imgsearch.djl.DjlEngine}). Preprocessing is core's recipes,
 * tokenisation and model directories are {@code imgsearch-embedders-common}'s, so the vectors equal
 * {@code imgsearch-embedders-onnx}'s. DJL's offline mode is on: native libraries come from jars, nothing is
 * downloaded.
 */
package dev.imgsearch.djl;

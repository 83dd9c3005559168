/**
 * Every model family through DJL ({@code Criteria}, {@code ZooModel}, {@code Predictor}, {@code Translator}), one
 * class per kind with the names of {@code imgsearch-embedders-onnx}: {@link dev.imgsearch.djl.DjlContrastiveEmbedder}
 * (text and image, e.g. CLIP) and {@link dev.imgsearch.djl.DjlFeatureEmbedder} (image-only features, e.g. ResNet50),
 * built by {@link dev.imgsearch.djl.DjlEmbedders} ({@code clip()}, {@code chineseClip()}, {@code resnet50()},
 * {@code vgg16()}, {@code family(...)}) on the PyTorch (TorchScript) and ONNX Runtime engines
 * ({@link dev.imgsearch.djl.DjlEngine}). Preprocessing is the image module's recipes, tokenisation, model
 * directories and builder options are {@code imgsearch-embedders-common}'s, so the vectors equal
 * {@code imgsearch-embedders-onnx}'s. DJL's offline mode is on: native libraries come from jars, nothing is
 * downloaded.
 */
package dev.imgsearch.djl;

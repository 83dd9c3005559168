/**
 * Embedders: {@link dev.imgsearch.core.embed.ImageEmbedder}, {@link dev.imgsearch.core.embed.TextEmbedder}, and
 * {@link dev.imgsearch.core.embed.MultimodalEmbedder} for models such as CLIP that put both in one vector space.
 * Implementations live in the {@code embedders-onnx} and {@code embedders-djl} modules.
 */
package dev.imgsearch.core.embed;

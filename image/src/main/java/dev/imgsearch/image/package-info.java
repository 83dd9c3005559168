/**
 * Image input, decoding and preprocessing, with the pixels the models' Python reference pipelines see.
 *
 * <p>{@link dev.imgsearch.core.embed.ImageInput} says where an image comes from (file, bytes, stream or an already
 * decoded {@link java.awt.image.BufferedImage}); {@link dev.imgsearch.image.ImageDecoder} decodes it with the
 * TwelveMonkeys ImageIO plugins, refusing images above a pixel limit from their header and raising a typed
 * {@link dev.imgsearch.core.InvalidImageException} for every bad input; {@link dev.imgsearch.image.ImageRecipe}
 * turns the decoded image into a model's float32 input, reproducing Pillow's modes and resize filters
 * ({@link dev.imgsearch.image.Resampling}) bit for bit, torchvision's rounding and the reference float32
 * arithmetic.
 *
 * <p>Parity is measured, not assumed: {@code image/src/test/python/make_preprocess_reference.py} (Pillow and numpy,
 * pinned) writes reference tensors for the committed test images, and {@code PreprocessParityTest} compares and
 * writes {@code core/target/preprocess-parity.txt}.
 */
package dev.imgsearch.image;

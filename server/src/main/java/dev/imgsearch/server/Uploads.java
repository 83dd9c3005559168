package dev.imgsearch.server;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.image.ImageDecoder;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads uploaded images (the multipart part {@code image}), checked for content type and size, and probes their
 * header (format, pixel count) before the request takes a search turn: bad, oversized or bomb uploads are refused
 * without making searches wait. Uploads being read are limited apart from searches.
 */
record Uploads(long maxUploadBytes, ImageDecoder decoder, Limiter readers) {
  /** Room for the multipart framing and form fields around the image, above {@code maxUploadBytes}. */
  static final int MULTIPART_SLACK = 64 * 1024;

  /** The bytes of the uploaded image, whose header the decoder accepts. */
  byte[] receive(Context ctx) {
    readers.acquire();
    try {
      byte[] bytes = read(ctx);
      decoder.probe(ImageInput.of(bytes));
      return bytes;
    } finally {
      readers.release();
    }
  }

  /** The uploaded image of a multipart request (part "image"), checked for type and size. */
  private byte[] read(Context ctx) {
    if (!Params.isMultipart(ctx)) {
      throw new ApiException(415, "unsupported-media-type", "Unsupported media type",
          "Send the image as multipart/form-data with the file in a part named 'image' (an HTML form with "
              + "enctype=\"multipart/form-data\", or curl -F image=@photo.jpg).");
    }
    UploadedFile file = ctx.uploadedFile("image");
    if (file == null) {
      throw ApiException.badRequest("missing-image", "The request has no file part named 'image'; add one "
          + "(curl -F image=@photo.jpg).");
    }
    checkPartType(file.contentType());
    if (file.size() > maxUploadBytes) {
      throw Problems.tooLarge(maxUploadBytes);
    }
    try (InputStream in = file.content()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxUploadBytes + 1));
      if (bytes.length > maxUploadBytes) {
        throw Problems.tooLarge(maxUploadBytes);
      }
      return bytes;
    } catch (IOException e) {
      throw new ApiException(400, "upload-failed", "Upload failed",
          "The upload could not be read to its end; try again.");
    }
  }

  private static void checkPartType(String partType) {
    if (partType == null || partType.isBlank()) {
      return;
    }
    String t = partType.toLowerCase(Locale.ROOT);
    if (!t.startsWith("image/") && !t.startsWith("application/octet-stream")) {
      throw new ApiException(415, "not-an-image", "Not an image",
          "The uploaded file is " + partType + ", not an image. Choose a JPEG, PNG, GIF, BMP, WebP or TIFF file.");
    }
    if (t.startsWith("image/svg")) {
      throw new ApiException(415, "not-an-image", "Unsupported image format",
          "SVG drawings cannot be searched; upload a photo or a bitmap (JPEG, PNG, GIF, BMP, WebP or TIFF).");
    }
  }
}

package dev.imgsearch.server;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImageInfo;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The pictures of indexed images, by id only (no path parameter): thumbnails resized on the server
 * ({@code /api/images/thumbnail}) and the original file ({@code /api/images/original}), served only while its bytes
 * hash to what was indexed. Both answer ETags and 304, and are cached for good when addressed with their version.
 */
record ImageRoutes(ImageIndex index, ImageDecoder decoder, Thumbnails thumbnails) {

  void thumbnail(Context ctx) {
    String id = Params.requireId(ctx);
    int size = Params.intParam(ctx, "size", 256, 32, 512);
    Row row = row(id);
    Path file = fileOf(row, id);
    String hash = String.valueOf(row.get(IndexFields.CONTENT_HASH));
    if (notModified(ctx, hash, "\"" + hash.substring(0, Math.min(32, hash.length())) + "-" + size + "\"")) {
      return;
    }
    byte[] jpeg = thumbnails.thumbnail(id + "\n" + size + "\n" + hash, file, size);
    ctx.contentType("image/jpeg").result(jpeg);
  }

  void original(Context ctx) {
    String id = Params.requireId(ctx);
    Row row = row(id);
    Path file = fileOf(row, id);
    String hash = String.valueOf(row.get(IndexFields.CONTENT_HASH));
    if (notModified(ctx, hash, "\"" + hash.substring(0, Math.min(32, hash.length())) + "\"")) {
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw ApiException.notFound("file-gone", "The image file of '" + id + "' cannot be read any more; index "
          + "the folder again.");
    }
    if (!Hashes.sha256(bytes).equals(hash)) {
      throw new ApiException(409, "file-changed", "Image changed",
          "The image file of '" + id + "' changed since it was indexed; index the folder again to see it.");
    }
    ImageInfo info = decoder.probe(ImageInput.of(bytes));
    String mime = switch (info.format().toUpperCase(Locale.ROOT)) {
      case "JPEG", "JPG" -> "image/jpeg";
      case "PNG" -> "image/png";
      case "GIF" -> "image/gif";
      case "BMP" -> "image/bmp";
      case "WEBP" -> "image/webp";
      case "TIFF" -> "image/tiff";
      default -> throw new ApiException(415, "unsupported-image-format", "Unsupported image format",
          "The image of '" + id + "' is in a format browsers cannot show; look at its thumbnail instead.");
    };
    ctx.header("Content-Disposition", "inline; filename*=UTF-8''"
        + URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8).replace("+", "%20"));
    ctx.contentType(mime).result(bytes);
  }

  /** Sets the ETag and caching headers; answers 304 and true when the client has this version. */
  private static boolean notModified(Context ctx, String hash, String etag) {
    ctx.header("ETag", etag);
    String v = ctx.queryParam("v");
    // A versioned address (v = the start of the content hash, as the search results give) never changes.
    boolean versioned = v != null && v.length() >= 8 && hash.startsWith(v);
    ctx.header("Cache-Control", versioned ? "private, max-age=31536000, immutable" : "private, no-cache");
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return true;
    }
    return false;
  }

  private Row row(String id) {
    List<Row> rows = index.store().get(index.collection(), List.of(id),
        List.of(IndexFields.PATH, IndexFields.CONTENT_HASH));
    if (rows.isEmpty()) {
      throw Params.unknownId(id);
    }
    return rows.get(0);
  }

  private static Path fileOf(Row row, String id) {
    Object p = row.get(IndexFields.PATH);
    if (!(p instanceof String s) || s.isEmpty()) {
      throw ApiException.notFound("no-image-file", "Image '" + id + "' was indexed from bytes, not from a file, so "
          + "the server has no picture of it to send.");
    }
    Path file = Path.of(s);
    if (!Files.isRegularFile(file)) {
      throw ApiException.notFound("file-gone", "The image file of '" + id + "' is no longer there; index the "
          + "folder again (with sync) to drop it from the results.");
    }
    return file;
  }
}

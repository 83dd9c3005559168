package dev.imgsearch.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.pipeline.ImageIndex;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint and every error of the JSON API over real HTTP, against one store; each store's test class
 * extends this with {@link #openStore}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiContract {
  Path dir;
  Path images;
  VectorStore store;
  ImageIndex index;
  ImageSearchServer server;
  Http http;

  abstract VectorStore openStore(Path dir);

  @BeforeAll
  void start(@TempDir Path tmp) {
    dir = tmp;
    images = Fixture.images(dir);
    store = openStore(dir.resolve("store"));
    ImageIndex.drop(store, "server_test");
    index = Fixture.index(store, images);
    server = ImageSearchServer.builder().index(index).port(0).maxUploadBytes(256 * 1024).start();
    http = new Http(server.port());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (index != null) {
      index.close();
    }
    if (store != null) {
      store.close();
    }
  }

  static List<String> captions(JsonObject result) {
    List<String> out = new ArrayList<>();
    for (JsonElement h : result.getAsJsonArray("hits")) {
      out.add(h.getAsJsonObject().get("caption").getAsString());
    }
    return out;
  }

  static void assertProblem(Http.Response r, int status, String type) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.get("status").getAsInt()).isEqualTo(status);
    assertThat(p.get("type").getAsString()).endsWith("/" + type);
    assertThat(p.get("title").getAsString()).isNotBlank();
    assertThat(p.get("detail").getAsString()).hasSizeGreaterThan(20);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.imgsearch.");
  }

  // ------------------------------------------------------------------ endpoints

  @Test
  void infoDescribesTheCollection() {
    Http.Response r = http.get("/api/info");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    JsonObject info = r.json();
    assertThat(info.get("count").getAsLong()).isEqualTo(Fixture.IMAGES);
    assertThat(info.get("model").getAsString()).isEqualTo("test/color-quadrants");
    assertThat(info.get("dimension").getAsInt()).isEqualTo(12);
    assertThat(info.get("metric").getAsString()).isEqualTo("COSINE");
    assertThat(info.get("textSearch").getAsBoolean()).isTrue();
    assertThat(info.get("zeroShot").getAsBoolean()).isTrue();
    JsonObject category = null;
    for (JsonElement f : info.getAsJsonArray("fields")) {
      if (f.getAsJsonObject().get("name").getAsString().equals("category")) {
        category = f.getAsJsonObject();
      }
      assertThat(f.getAsJsonObject().get("name").getAsString()).isNotIn("path", "source", "vector", "content_hash");
    }
    assertThat(category).isNotNull();
    assertThat(category.get("type").getAsString()).isEqualTo("string");
    assertThat(category.getAsJsonArray("values").toString()).isEqualTo("[\"cool\",\"plain\",\"warm\"]");
  }

  @Test
  void searchByTextRanksTheNamedColourFirst() {
    JsonObject r = http.get("/api/search?q=red&topK=5").json();
    List<String> caps = captions(r);
    assertThat(caps).hasSize(5);
    assertThat(caps.subList(0, 2)).containsExactlyInAnyOrder("red.png", "red-2.png");
    assertThat(r.get("metric").getAsString()).isEqualTo("COSINE");
    JsonObject hit = r.getAsJsonArray("hits").get(0).getAsJsonObject();
    assertThat(hit.get("thumbnail").getAsString()).startsWith("api/images/thumbnail?id=");
    assertThat(hit.getAsJsonObject("fields").has("category")).as(hit.toString()).isTrue();
    assertThat(hit.getAsJsonObject("fields").get("category").getAsString()).isEqualTo("warm");
    assertThat(hit.getAsJsonObject("fields").has("path")).isFalse();
    assertThat(r.toString()).doesNotContain(dir.toString());
  }

  @Test
  void searchByChineseText() {
    List<String> caps = captions(http.get("/api/search?q=" + Http.enc("蓝色的东西") + "&topK=3").json());
    assertThat(caps.get(0)).isEqualTo("blue.png");
  }

  @Test
  void topKFilterAndMinScore() {
    assertThat(captions(http.get("/api/search?q=red").json())).hasSize(Fixture.IMAGES);
    JsonObject cool = http.get("/api/search?q=red&filter=" + Http.enc("category == \"cool\"")).json();
    assertThat(cool.getAsJsonArray("hits")).hasSize(3);
    cool.getAsJsonArray("hits").forEach(h -> assertThat(h.getAsJsonObject().getAsJsonObject("fields")
        .get("category").getAsString()).isEqualTo("cool"));
    JsonObject close = http.get("/api/search?q=red&minScore=0.99").json();
    assertThat(close.getAsJsonArray("hits").size()).isBetween(1, 2);
    close.getAsJsonArray("hits").forEach(h -> assertThat(h.getAsJsonObject().get("score").getAsDouble())
        .isGreaterThanOrEqualTo(0.99));
    assertThat(close.getAsJsonObject("query").get("minScore").getAsDouble()).isEqualTo(0.99);
  }

  @Test
  void searchByUploadedImage() throws IOException {
    byte[] blue = Files.readAllBytes(images.resolve("cool/blue.png"));
    JsonObject r = http.upload("/api/search/image?topK=3", blue, "image/png").json();
    assertThat(captions(r).get(0)).isEqualTo("blue.png");
    assertThat(r.getAsJsonArray("hits").get(0).getAsJsonObject().get("score").getAsDouble()).isGreaterThan(0.999);
    // Parameters may also come as form fields.
    Http.Response form = http.post("/api/search/image", new Http.Multipart()
        .file("image", "red.png", "image/png", Fixture.png(Color.RED)).field("topK", "2")
        .field("filter", "category == \"warm\""));
    assertThat(captions(form.json())).containsExactlyInAnyOrder("red.png", "red-2.png");
  }

  @Test
  void moreLikeAnIndexedImage() {
    JsonObject red = http.get("/api/search?q=red&topK=1").json().getAsJsonArray("hits").get(0).getAsJsonObject();
    String id = red.get("id").getAsString();
    JsonObject r = http.get("/api/search/similar?topK=3&id=" + Http.enc(id)).json();
    List<String> caps = captions(r);
    assertThat(caps).hasSize(3).doesNotContain(red.get("caption").getAsString());
    assertThat(caps.get(0)).isIn("red.png", "red-2.png");
    assertThat(r.getAsJsonObject("query").get("kind").getAsString()).isEqualTo("similar");
  }

  @Test
  void zeroShotLabels() {
    Http.Response r = http.post("/api/classify", new Http.Multipart()
        .file("image", "x.png", "image/png", Fixture.png(Color.GREEN)).field("labels", "red, green, blue"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonArray labels = r.json().getAsJsonArray("labels");
    assertThat(labels).hasSize(3);
    assertThat(labels.get(0).getAsJsonObject().get("label").getAsString()).isEqualTo("green");
    double sum = 0;
    for (JsonElement l : labels) {
      sum += l.getAsJsonObject().get("probability").getAsDouble();
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    assertProblem(http.post("/api/classify", new Http.Multipart()
        .file("image", "x.png", "image/png", Fixture.png(Color.GREEN)).field("labels", "red")), 400, "bad-labels");
  }

  @Test
  void thumbnailsAreResizedAndCached() throws IOException {
    JsonObject hit = http.get("/api/search?q=yellow&topK=1").json().getAsJsonArray("hits").get(0).getAsJsonObject();
    String url = "/" + hit.get("thumbnail").getAsString();
    Http.Response r = http.get(url + "&size=16".replace("16", "32"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("image/jpeg");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.bytes()));
    assertThat(Math.max(img.getWidth(), img.getHeight())).isEqualTo(24); // 24 x 20 is below 32: kept as it is
    assertThat(new Color(img.getRGB(5, 5)).getRed()).isGreaterThan(200);
    assertThat(r.header("Cache-Control")).contains("immutable");
    String etag = r.header("ETag");
    assertThat(etag).isNotBlank();
    assertThat(http.get(url + "&size=32", "If-None-Match", etag).status()).isEqualTo(304);
    String unversioned = "/api/images/thumbnail?id=" + Http.enc(hit.get("id").getAsString());
    assertThat(http.get(unversioned).header("Cache-Control")).isEqualTo("private, no-cache");
    assertProblem(http.get(unversioned + "&size=5000"), 400, "bad-parameter");
  }

  @Test
  void originalIsTheIndexedFile() throws IOException {
    JsonObject hit = http.get("/api/search?q=green&topK=1").json().getAsJsonArray("hits").get(0).getAsJsonObject();
    Http.Response r = http.get("/" + hit.get("image").getAsString());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("image/png");
    assertThat(r.bytes()).isEqualTo(Files.readAllBytes(images.resolve("cool/green.png")));
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void statusAndEventsReportTheFinishedRun() throws Exception {
    JsonObject s = http.get("/api/status").json();
    assertThat(s.get("state").getAsString()).isIn("idle", "done");
    HttpRequest req = http.request("/api/status/events").header("Accept", "text/event-stream").build();
    var response = java.net.http.HttpClient.newHttpClient().send(req,
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    String data = response.body().filter(l -> l.startsWith("data:")).findFirst().orElseThrow();
    JsonObject event = JsonParser.parseString(data.substring(5).trim()).getAsJsonObject();
    assertThat(event.has("state")).isTrue();
    assertThat(event.has("fraction")).isTrue();
  }

  @Test
  void pageAndAssetsWithStrictHeaders() {
    Http.Response page = http.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    String csp = page.header("Content-Security-Policy");
    assertThat(csp).contains("default-src 'self'").contains("script-src 'self'").doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    // No inline script or event-handler attributes: every <script> has a src.
    assertThat(page.body()).containsPattern("<script src=\"assets/app.js\"");
    assertThat(page.body()).doesNotContainPattern("<script(?![^>]*src=)").doesNotContainPattern("\\son[a-z]+=");
    assertThat(http.get("/assets/app.js").contentType()).startsWith("text/javascript");
    assertThat(http.get("/assets/app.css").contentType()).startsWith("text/css");
    Http.Response spec = http.get("/api/openapi.json");
    assertThat(spec.json().get("openapi").getAsString()).startsWith("3.");
  }

  // ------------------------------------------------------------------ errors

  @Test
  void badUploadsAreProblems() throws IOException {
    assertProblem(http.upload("/api/search/image", Fixture.corrupt(), "image/png"), 422, "corrupt-image");
    assertProblem(http.upload("/api/search/image", new byte[0], "image/png"), 422, "empty-image");
    byte[] jpeg = dev.imgsearch.pipeline.TestFiles.encode(dev.imgsearch.pipeline.ColorEmbedder.solid(Color.RED,
        64, 64), "jpg");
    Http.Response truncated = http.upload("/api/search/image", java.util.Arrays.copyOf(jpeg, jpeg.length / 2),
        "image/jpeg");
    assertThat(truncated.status()).isEqualTo(422);
    assertProblem(http.upload("/api/search/image", "just text, not an image".getBytes(), "image/png"), 422,
        "unsupported-image-format");
    // A decompression bomb: a few hundred bytes claiming 100000 x 100000 pixels.
    byte[] bomb = Fixture.bomb(100_000);
    assertThat(bomb.length).isLessThan(2000);
    assertProblem(http.upload("/api/search/image", bomb, "image/png"), 413, "image-too-large");
    assertProblem(http.upload("/api/search/image", "<svg/>".getBytes(), "text/plain"), 415, "not-an-image");
    assertProblem(http.post("/api/search/image", new Http.Multipart().field("topK", "3")), 400, "missing-image");
    assertProblem(http.send(http.request("/api/search/image").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"x\"}")).build()), 415, "unsupported-media-type");
  }

  @Test
  void oversizedBodiesAre413() {
    byte[] big = new byte[600 * 1024];
    assertProblem(http.upload("/api/search/image", big, "image/png"), 413, "body-too-large");
    // Without a Content-Length (chunked), the limit holds while the body is read.
    Http.Multipart m = new Http.Multipart().file("image", "big.png", "image/png", big);
    Http.Response chunked = http.send(http.request("/api/search/image").header("Content-Type", m.contentType())
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(m.bytes()))).build());
    assertProblem(chunked, 413, "body-too-large");
    // Just over the limit as a file part of a small enough request.
    byte[] over = new byte[256 * 1024 + 10];
    assertThat(http.upload("/api/search/image", over, "image/png").status()).isEqualTo(413);
  }

  @Test
  void anOversizedUploadThatWaitsForContinueIsRefusedBeforeItsBodyIsSent() {
    // curl sends 'Expect: 100-continue' with large bodies: the 413 comes at once, no 100 Continue, and no body is read.
    String response = Http.raw(server.port(), "POST /api/search/image HTTP/1.1", Map.of(
        "Content-Type", "multipart/form-data; boundary=x", "Content-Length", String.valueOf(600 * 1024),
        "Expect", "100-continue"));
    assertThat(Http.rawStatus(response)).isEqualTo(413);
    assertThat(response).doesNotContain("100 Continue").contains("body-too-large");
  }

  @Test
  void badParametersAndFilters() {
    assertProblem(http.get("/api/search"), 400, "missing-query");
    assertProblem(http.get("/api/search?q=red&topK=0"), 400, "bad-parameter");
    assertProblem(http.get("/api/search?q=red&topK=lots"), 400, "bad-parameter");
    assertProblem(http.get("/api/search?q=red&minScore=high"), 400, "bad-parameter");
    assertProblem(http.get("/api/search?q=red&filter=" + Http.enc("category ==")), 400, "filter-syntax");
    assertProblem(http.get("/api/search?q=red&filter=" + Http.enc("category = \"x\" or")), 400, "filter-syntax");
    assertProblem(http.get("/api/search/similar"), 400, "missing-id");
  }

  @Test
  void unknownIdsAndRoutesAre404() {
    assertProblem(http.get("/api/search/similar?id=nope.png"), 404, "unknown-id");
    assertProblem(http.get("/api/images/thumbnail?id=nope.png"), 404, "unknown-id");
    assertProblem(http.get("/api/images/original?id=nope.png"), 404, "unknown-id");
    assertProblem(http.get("/api/nothing-here"), 404, "no-such-route");
    assertProblem(http.send(http.request("/api/search?q=red").DELETE().build()), 405, "method-not-allowed");
  }

  @Test
  void pathTraversalNeverReachesAFile() {
    List<String> attempts = List.of(
        "/api/images/..%2F..%2Fetc%2Fpasswd",
        "/api/images/original?id=" + Http.enc("../../../../../../etc/passwd"),
        "/api/images/original?id=" + Http.enc("/etc/passwd"),
        "/api/images/thumbnail?id=" + Http.enc("..\\..\\etc\\passwd"),
        "/api/images/original?id=" + Http.enc("file:///etc/passwd"),
        "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/../../../../etc/passwd",
        "/assets/../../pom.xml",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/api/images/original?id=" + Http.enc("warm/../../../../etc/passwd"));
    for (String path : attempts) {
      String response = Http.raw(server.port(), "GET " + path + " HTTP/1.1", Map.of());
      int status = Http.rawStatus(response);
      assertThat(status).as(path + " -> " + response).isIn(400, 404);
      assertThat(response).as(path).doesNotContain("root:").doesNotContain("<project");
    }
  }
}

package dev.imgsearch.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document the server serves matches its routes, both ways. */
class OpenApiTest {

  @Test
  void everyApiRouteIsDocumentedAndNothingElse() throws IOException {
    JsonObject doc;
    try (InputStream in = ImageSearchServer.class.getResourceAsStream("web/openapi.json")) {
      doc = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = doc.getAsJsonObject("paths");
    for (String path : paths.keySet()) {
      for (String method : paths.getAsJsonObject(path).keySet()) {
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
      }
    }
    Set<String> api = new TreeSet<>();
    for (String route : ImageSearchServer.ROUTES) {
      if (route.contains(" /api/")) {
        api.add(route);
      }
    }
    assertThat(documented).isEqualTo(api);
    // No path parameters anywhere: images are addressed by an id in the query string, never by a path.
    assertThat(paths.keySet()).noneMatch(p -> p.contains("{"));
    // Every $ref resolves.
    String text = doc.toString();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"#/components/(\\w+)/(\\w+)\"").matcher(text);
    while (m.find()) {
      assertThat(doc.getAsJsonObject("components").getAsJsonObject(m.group(1)).has(m.group(2)))
          .as(m.group()).isTrue();
    }
  }
}

package dev.imgsearch.embedders.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ModelException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HubClient against a local stand-in of the hub on 127.0.0.1 (no test touches the real network). */
class HubClientTest {
  private static final String REPO = "test-org/tiny-model";
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path temp;
  private Path source;
  private Path cache;
  private LocalHubServer server;
  private byte[] big;

  @BeforeEach
  void setUp() throws IOException {
    source = Files.createDirectories(temp.resolve("source"));
    cache = temp.resolve("cache");
    Files.writeString(source.resolve("config.json"), "{\"projection_dim\": 8}");
    Files.createDirectories(source.resolve("onnx"));
    big = new byte[300_000];
    new Random(7).nextBytes(big);
    Files.write(source.resolve("onnx/model.onnx"), big);
    server = new LocalHubServer().serve(REPO, COMMIT, source);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private HubClient client() {
    return HubClient.builder(Map.of()).endpoint(server.endpoint()).cacheDirectory(cache).token("secret-token")
        .build();
  }

  @Test
  void downloadsIntoTheHuggingFaceCacheLayout() throws IOException {
    Path snapshot = client().download(REPO, "main", List.of("config.json", "onnx/model.onnx"));
    Path repo = cache.resolve("models--test-org--tiny-model");
    assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(COMMIT));
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(COMMIT);
    assertThat(Files.readAllBytes(snapshot.resolve("onnx/model.onnx"))).isEqualTo(big);
    assertThat(Files.readString(snapshot.resolve("config.json"))).isEqualTo("{\"projection_dim\": 8}");
    // blobs are named by the hub's checksums: SHA-256 for LFS files, the git blob SHA-1 otherwise
    assertThat(repo.resolve("blobs").resolve(LocalHubServer.sha256(big))).exists();
    assertThat(repo.resolve("blobs").resolve(LocalHubServer.gitSha1(
        Files.readAllBytes(source.resolve("config.json"))))).exists();
    assertThat(Files.isSymbolicLink(snapshot.resolve("onnx/model.onnx"))).isTrue();
    try (var files = Files.list(repo.resolve("blobs"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".incomplete") || n.endsWith(".lock"));
    }
    // the token goes to the hub, never to the CDN behind the redirect
    assertThat(server.log()).anyMatch(l -> l.startsWith("hub ") && l.endsWith(" auth"));
    assertThat(server.log()).filteredOn(l -> l.startsWith("cdn ")).isNotEmpty().noneMatch(l -> l.endsWith("auth"));
  }

  @Test
  void aSecondDownloadIsACacheHit() {
    client().download(REPO, "main", List.of("config.json", "onnx/model.onnx"));
    server.clearLog();
    client().download(REPO, "main", List.of("config.json", "onnx/model.onnx"));
    assertThat(server.log()).noneMatch(l -> l.contains("/resolve/") || l.startsWith("cdn "));
  }

  @Test
  void resumesAfterACutConnection() throws IOException {
    server.cutNextDownload("onnx/model.onnx", 100_000);
    Path snapshot = client().download(REPO, "main", List.of("onnx/model.onnx"));
    assertThat(Files.readAllBytes(snapshot.resolve("onnx/model.onnx"))).isEqualTo(big);
    assertThat(server.log()).filteredOn(l -> l.startsWith("cdn GET")).hasSizeGreaterThanOrEqualTo(2)
        .anyMatch(l -> l.matches(".* bytes=[1-9][0-9]*-.*"));
  }

  @Test
  void resumesAnIncompleteFileLeftByAnEarlierRun() throws IOException {
    Path blobs = Files.createDirectories(cache.resolve("models--test-org--tiny-model/blobs"));
    String sha = LocalHubServer.sha256(big);
    Files.write(blobs.resolve(sha + ".incomplete"), java.util.Arrays.copyOf(big, 123_456));
    Path snapshot = client().download(REPO, "main", List.of("onnx/model.onnx"));
    assertThat(Files.readAllBytes(snapshot.resolve("onnx/model.onnx"))).isEqualTo(big);
    assertThat(server.log()).filteredOn(l -> l.startsWith("cdn GET")).singleElement().asString()
        .contains("bytes=123456-");
  }

  @Test
  void aChecksumMismatchIsRejected() {
    server.corrupt("onnx/model.onnx");
    assertThatThrownBy(() -> client().download(REPO, "main", List.of("onnx/model.onnx")))
        .isInstanceOf(ModelException.class).hasMessageContaining("corrupt")
        .hasMessageContaining(LocalHubServer.sha256(big));
    Path repo = cache.resolve("models--test-org--tiny-model");
    assertThat(repo.resolve("blobs").resolve(LocalHubServer.sha256(big))).doesNotExist();
    assertThat(repo.resolve("snapshots").resolve(COMMIT).resolve("onnx/model.onnx")).doesNotExist();
  }

  @Test
  void offlineModeUsesTheCacheOnly() {
    client().download(REPO, "main", List.of("config.json"));
    server.close();
    HubClient offline = HubClient.builder(Map.of("HF_HUB_OFFLINE", "1")).cacheDirectory(cache).build();
    assertThat(offline.offline()).isTrue();
    assertThat(offline.listFiles(REPO, "main").files()).containsExactly("config.json");
    assertThat(offline.download(REPO, "main", List.of("config.json")).resolve("config.json")).exists();
    assertThatThrownBy(() -> offline.download(REPO, "main", List.of("onnx/model.onnx")))
        .isInstanceOf(ModelException.class).hasMessageContaining("not in the hub cache")
        .hasMessageContaining("modelDirectory").hasMessageContaining("HF_ENDPOINT");
  }

  @Test
  void withoutNetworkTheErrorSaysWhatToDo() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    HubClient unreachable = HubClient.builder(Map.of()).endpoint(URI.create("http://127.0.0.1:" + closedPort))
        .cacheDirectory(cache).build();
    assertThatThrownBy(() -> unreachable.download(REPO, "main", List.of("config.json")))
        .isInstanceOf(ModelException.class).hasMessageContaining("Cannot download " + REPO)
        .hasMessageContaining("modelDirectory(path)").hasMessageContaining("HF_ENDPOINT")
        .hasMessageContaining("HF_HUB_OFFLINE");
  }

  @Test
  void aMissingRepositoryOrFileIsReported() {
    assertThatThrownBy(() -> client().download("test-org/nothing", "main", List.of("config.json")))
        .isInstanceOf(ModelException.class).hasMessageContaining("404");
    assertThatThrownBy(() -> client().download(REPO, "main", List.of("tokenizer.json")))
        .isInstanceOf(ModelException.class).hasMessageContaining("has no file tokenizer.json");
  }

  @Test
  void readsTheEnvironmentLikeHuggingFaceHub() {
    HubClient c = HubClient.builder(Map.of("HF_ENDPOINT", "https://hf-mirror.example/", "HF_HOME", "/data/hf",
        "HF_TOKEN", "hf_abcdef")).build();
    assertThat(c.endpoint()).isEqualTo(URI.create("https://hf-mirror.example"));
    assertThat(c.cacheDirectory()).isEqualTo(Path.of("/data/hf/hub"));
    assertThat(c.offline()).isFalse();
    assertThat(c.toString()).doesNotContain("hf_abcdef");
    assertThat(HubClient.builder(Map.of()).build().endpoint()).isEqualTo(HubClient.DEFAULT_ENDPOINT);
  }
}

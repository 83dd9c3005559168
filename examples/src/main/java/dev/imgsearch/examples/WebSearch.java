package dev.imgsearch.examples;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxContrastiveEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.server.ImageSearchServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Search in the browser: indexes a folder into the embedded store (or Milvus) with CLIP and serves the search page
 * of {@link ImageSearchServer} while the indexing runs; the page shows its progress, and searches find the images
 * indexed so far. Stop it with Ctrl+C.
 */
@Command(name = "WebSearch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Index a folder and search it in the browser: by text (English or Chinese, as the model "
        + "understands), by an uploaded, dropped or pasted image, or by clicking a hit.",
        "Default model: " + Models.CLIP + "."})
public final class WebSearch extends ExampleCommand {
  static final String COLLECTION = "web_search";

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "The port of the page (default: ${DEFAULT-VALUE}; 0 for a free one).")
  int port;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only). Any other address "
          + "needs --server-token.")
  String host;

  @Option(names = "--server-token", paramLabel = "TOKEN",
      description = "A bearer token (16 characters or more) the page and API ask for; required beyond loopback.")
  String serverToken;

  @Option(names = "--collection", paramLabel = "NAME", defaultValue = COLLECTION,
      description = "The collection (default: ${DEFAULT-VALUE}); indexing again skips unchanged images.")
  String collection;

  @Option(names = "--exit-when-indexed", hidden = true,
      description = "Stop once the folder is indexed (for tests) instead of serving until Ctrl+C.")
  boolean exitWhenIndexed;

  public WebSearch() {
    this(System.getenv());
  }

  WebSearch(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new WebSearch(), args);
  }

  @Override
  void run() throws Exception {
    Path images = model.imagesOr(dir -> SampleData.scenes(dir.resolve("images_folder"), 4).resolve("train"));
    try (OnnxContrastiveEmbedder clip = new Models(environment()).clip(model.modelOr(Models.CLIP));
         VectorStore vectors = store.open();
         ImageIndex index = ImageIndex.builder().embedder(clip).store(vectors).collection(collection).build();
         ImageSearchServer server = ImageSearchServer.builder().index(index).host(host).port(port)
             .token(serverToken).start()) {
      out().printf("Model: %s (%d-d, %s)%nStore: %s%n", clip.modelId(), clip.dimension(), clip.metric(),
          store.describe());
      out().printf("Serving the search page at %s%n", server.url());
      out().printf("Indexing %s in the background (the page shows the progress)%s%n", images.toAbsolutePath(),
          exitWhenIndexed ? "" : "; press Ctrl+C to stop.");
      out().flush();
      CompletableFuture<IndexReport> run = server.indexInBackground(IndexSource.directory(images).build());
      run.whenComplete((report, error) -> {
        out().println(error == null ? "Indexed: " + report : "Indexing stopped: " + error.getMessage());
        out().flush();
      });
      if (exitWhenIndexed) {
        IndexReport report = run.join();
        Examples.printSkipped(out(), report);
        out().printf("%d images are searchable.%n", index.count());
        return;
      }
      Thread main = Thread.currentThread();
      Thread hook = new Thread(() -> {
        server.close();
        try {
          main.join(15_000); // let the store close cleanly
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "imgsearch-web-search-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      server.awaitClose();
    }
  }
}

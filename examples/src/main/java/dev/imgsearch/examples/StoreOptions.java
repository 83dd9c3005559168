package dev.imgsearch.examples;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import dev.imgsearch.store.milvus.MilvusVectorStore;
import io.milvus.v2.common.ConsistencyLevel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the vectors go, the same for every example: the embedded Lucene store in a directory (the default, like
 * the walkthroughs' {@code MilvusClient("milvus.db")}), or a Milvus server or Zilliz Cloud cluster by URI and token.
 */
public final class StoreOptions {
  /** The embedded store's directory when neither {@code --store-dir} nor {@code --uri} is given. */
  public static final Path DEFAULT_STORE_DIR = Path.of("imgsearch-data");

  @Option(names = "--store-dir", paramLabel = "DIR",
      description = "Directory of the embedded Lucene store (default: ${DEFAULT-VALUE} when --uri is not given).")
  Path storeDir;

  @Option(names = "--uri", paramLabel = "URI",
      description = "A Milvus server instead of the embedded store, e.g. http://localhost:19530 (Milvus Lite, "
          + "standalone) or a Zilliz Cloud endpoint.")
  String uri;

  @Option(names = "--token", paramLabel = "TOKEN", description = "Milvus token: user:password, or a Zilliz Cloud API key.")
  String token;

  /** Opens the store: Milvus when {@code --uri} is given (reads its own writes), else Lucene in the directory. */
  public VectorStore open() {
    if (uri != null) {
      if (storeDir != null) {
        throw new InvalidInputException("Both --store-dir and --uri are given; use --store-dir for the embedded "
            + "store or --uri (and --token) for Milvus, not both.");
      }
      MilvusVectorStore.Builder b = MilvusVectorStore.builder().uri(uri).consistency(ConsistencyLevel.STRONG);
      if (token != null && !token.isEmpty()) {
        b.token(token);
      }
      return b.build();
    }
    if (token != null) {
      throw new InvalidInputException("--token is given without --uri; a token is for a Milvus server. Add "
          + "--uri, or leave --token out for the embedded store.");
    }
    return LuceneVectorStore.open(directory());
  }

  /** The embedded store's directory. */
  public Path directory() {
    return storeDir != null ? storeDir : DEFAULT_STORE_DIR;
  }

  /** Whether the store is a Milvus server. */
  public boolean milvus() {
    return uri != null;
  }

  /** Where the vectors are, for what the programs print (never the token). */
  public String describe() {
    return milvus() ? "Milvus at " + uri : "the embedded Lucene store in " + directory();
  }
}

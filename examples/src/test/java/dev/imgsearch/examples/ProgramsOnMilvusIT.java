package dev.imgsearch.examples;

import dev.imgsearch.store.milvus.MilvusEndpoint;
import dev.imgsearch.store.milvus.MilvusServerExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every program end to end on a real Milvus server ({@code --uri}, {@code --token}): Milvus Lite started by
 * store-milvus's {@link MilvusServerExtension}, or the server of {@code MILVUS_URI}.
 */
@ExtendWith(MilvusServerExtension.class)
class ProgramsOnMilvusIT extends ProgramsContract {

  @Override
  List<String> store(Path work) {
    MilvusEndpoint endpoint = MilvusServerExtension.endpoint();
    List<String> args = new ArrayList<>(List.of("--uri", endpoint.uri()));
    if (!endpoint.token().isEmpty()) {
      args.addAll(List.of("--token", endpoint.token()));
    }
    return args;
  }

  @Override
  String storeDescription() {
    return "Milvus at " + MilvusServerExtension.endpoint().uri();
  }
}

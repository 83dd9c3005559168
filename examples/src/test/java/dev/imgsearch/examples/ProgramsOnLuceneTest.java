package dev.imgsearch.examples;

import java.nio.file.Path;
import java.util.List;

/** Every program end to end on the embedded Lucene store (the default), in a temporary directory. */
class ProgramsOnLuceneTest extends ProgramsContract {
  private Path storeDir;

  @Override
  List<String> store(Path work) {
    storeDir = work.resolve("store");
    return List.of("--store-dir", storeDir.toString());
  }

  @Override
  String storeDescription() {
    return "the embedded Lucene store in " + storeDir;
  }
}

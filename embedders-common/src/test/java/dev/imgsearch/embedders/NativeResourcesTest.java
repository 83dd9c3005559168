package dev.imgsearch.embedders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an embedder's native resources are closed. */
class NativeResourcesTest {

  @Test
  void closesLastOpenedFirstEachOnceAndGoesOnAfterAFailure() {
    List<String> closed = new ArrayList<>();
    AutoCloseable session = () -> closed.add("session");
    AutoCloseable failing = () -> {
      closed.add("failing");
      throw new IllegalStateException("native close failed");
    };
    AutoCloseable tokenizer = () -> closed.add("tokenizer");

    NativeResources.closeAll(List.of(session, failing, tokenizer, session));

    assertThat(closed).containsExactly("session", "tokenizer", "failing");
  }
}

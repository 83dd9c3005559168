package dev.imgsearch.onnx.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
import dev.imgsearch.core.InvalidInputException;
import org.junit.jupiter.api.Test;

/** What {@link OnnxOptions} hands to ONNX Runtime. */
class OnnxOptionsTest {

  @Test
  void threadsDoNotSpinWaitUnlessAskedTo() {
    assertThat(OnnxOptions.defaults().spinWait()).isFalse();
    try (OrtSession.SessionOptions quiet = OnnxOptions.defaults().toSessionOptions();
        OrtSession.SessionOptions spinning = OnnxOptions.builder().spinWait(true).device(OnnxOptions.Device.CPU)
            .build().toSessionOptions()) {
      assertThat(quiet.getConfigEntries()).containsEntry("session.intra_op.allow_spinning", "0")
          .containsEntry("session.inter_op.allow_spinning", "0");
      assertThat(spinning.getConfigEntries()).containsEntry("session.intra_op.allow_spinning", "1")
          .containsEntry("session.inter_op.allow_spinning", "1");
    }
    assertThat(OnnxOptions.builder().spinWait(true).build().toString()).contains("spinWait=true");
  }

  @Test
  void negativeThreadCountsAreRefused() {
    assertThatThrownBy(() -> OnnxOptions.builder().intraOpThreads(-1)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("intraOpThreads is -1");
  }
}

package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How SDK failures become core exceptions, and how retries back off (no server needed). */
class MilvusErrorsTest {
  private final MilvusErrors errors = new MilvusErrors("http://db.example:19530", List.of("root:hunter22"));

  @Test
  void unavailableAndDeadlineExceededAreTransientAndNameTheEndpoint() {
    for (Status status : List.of(Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED)) {
      MilvusClientException e = new MilvusClientException(ErrorCode.RPC_ERROR, status.asRuntimeException());
      assertThat(MilvusErrors.isTransient(e)).isTrue();
      assertThat(errors.translate("search 'c'", "c", e)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("http://db.example:19530").hasMessageContaining("search 'c'");
    }
    assertThat(MilvusErrors.isTransient(new MilvusClientException(ErrorCode.TIMEOUT, "Finish 75 retry times"))).isTrue();
    assertThat(MilvusErrors.isTransient(new MilvusClientException(ErrorCode.SERVER_ERROR, "bad field", 1100, 0)))
        .isFalse();
    // A connection that breaks during a call, as when the server dies.
    assertThat(MilvusErrors.isTransient(new MilvusClientException(ErrorCode.RPC_ERROR,
        Status.UNKNOWN.withDescription("channel closed").asRuntimeException()))).isTrue();
    assertThat(MilvusErrors.isTransient(new MilvusClientException(ErrorCode.RPC_ERROR,
        Status.UNKNOWN.withDescription("Exception in the server").asRuntimeException()))).isFalse();
    assertThat(MilvusErrors.isTransient(new MilvusClientException(ErrorCode.RPC_ERROR,
        Status.INVALID_ARGUMENT.withDescription("channel closed").asRuntimeException()))).isFalse();
  }

  @Test
  void aMissingCollectionBecomesCollectionNotFound() {
    MilvusClientException e = new MilvusClientException(ErrorCode.SERVER_ERROR, "collection 'c' does not exist", 100, 4);
    assertThat(errors.translate("describe 'c'", "c", e)).isInstanceOf(CollectionNotFoundException.class)
        .hasMessageContaining("'c'");
  }

  @Test
  void refusedRequestsAndCredentialsAreTypedAndRedacted() {
    MilvusClientException refused = new MilvusClientException(ErrorCode.SERVER_ERROR,
        "invalid expression near root:hunter22", 1100, 0);
    assertThat(errors.translate("query 'c'", "c", refused)).isInstanceOf(SchemaException.class)
        .hasMessageNotContaining("hunter22").hasMessageContaining("****");
    MilvusClientException auth = new MilvusClientException(ErrorCode.RPC_ERROR,
        Status.UNAUTHENTICATED.withDescription("bad token hunter22").asRuntimeException());
    assertThat(errors.translate("connect", null, auth)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("token").hasMessageNotContaining("hunter22");
    assertThat(errors.translate("connect", null, auth).getCause().getMessage()).doesNotContain("hunter22");
  }

  @Test
  void retryBackoffDoublesUpToTheCap() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350));
    assertThat(List.of(p.backoff(1), p.backoff(2), p.backoff(3), p.backoff(4)))
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350), Duration.ofMillis(350));
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
  }
}

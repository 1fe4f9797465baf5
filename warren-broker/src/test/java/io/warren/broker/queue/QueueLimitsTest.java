package io.warren.broker.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueLimitsTest {

  @Test
  void shouldCostNothingForAQueueWithoutLimits() {
    assertThat(QueueLimits.from(Map.of("x-message-ttl", 10))).isNull();
  }

  @Test
  void shouldDropHeadOnlyBeyondTheLimitByDefault() {
    QueueLimits limits = QueueLimits.from(Map.of("x-max-length", 2));

    assertThat(limits.overLimit(2, 0)).isFalse();
    assertThat(limits.overLimit(3, 0)).isTrue();
    assertThat(limits.rejects(2, 0, 1)).isFalse();
  }

  @Test
  void shouldRejectAPublishThatWouldOverflowInRejectPublishMode() {
    QueueLimits limits = QueueLimits.from(Map.of("x-max-length-bytes", 10L, "x-overflow", "reject-publish"));

    assertThat(limits.rejects(1, 6, 4)).isFalse();
    assertThat(limits.rejects(1, 6, 5)).isTrue();
    assertThat(limits.overLimit(5, 100)).isFalse(); // reject-publish never drops what it holds
    assertThat(limits.deadLettersRejected()).isFalse();
  }

  @Test
  void shouldRejectEveryPublishWithMaxLengthZero() {
    QueueLimits limits = QueueLimits.from(Map.of("x-max-length", 0, "x-overflow", "reject-publish-dlx"));

    assertThat(limits.rejects(0, 0, 0)).isTrue();
    assertThat(limits.deadLettersRejected()).isTrue();
  }
}

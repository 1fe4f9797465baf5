package io.warren.broker.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RabbitMQ's dead-letter cycle rule, on x-death lists as they stand after the newest death. */
class DeadLettererTest {

  private static Map<String, Object> death(String queue, String reason) {
    return Map.of("queue", queue, "reason", reason, "count", 1L);
  }

  @Test
  void shouldSeeNoCycleWhenTheTargetQueueIsNotInTheHistory() {
    assertThat(DeadLetterer.isCycle("b", List.of(death("a", "expired")))).isFalse();
  }

  @Test
  void shouldSeeACycleWhenEveryDeathSinceTheTargetWasAutomatic() {
    // a expired into b, b expired into a: going to b again would go round forever
    List<Object> deaths = List.of(death("b", "expired"), death("a", "maxlen"));

    assertThat(DeadLetterer.isCycle("a", deaths)).isTrue();
    assertThat(DeadLetterer.isCycle("b", deaths)).isTrue();
  }

  @Test
  void shouldSeeNoCycleWhenAClientRejectedTheMessageOnTheWay() {
    List<Object> deaths = List.of(death("b", "expired"), death("a", "rejected"));

    assertThat(DeadLetterer.isCycle("a", deaths)).isFalse();
    assertThat(DeadLetterer.isCycle("b", deaths)).isTrue();
  }

  @Test
  void shouldSeeNoCycleWhenTheHistoryHoldsSomethingOtherThanTables() {
    // only a client can have put it there, so the loop is not fully automatic
    List<Object> deaths = List.of("junk", death("a", "expired"));

    assertThat(DeadLetterer.isCycle("a", deaths)).isFalse();
  }
}

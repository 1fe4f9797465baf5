package io.warren.it.queuetypes;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.PythonRunner;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Priority and single-active-consumer queues used from Python through pika (src/test/python). */
class PythonQueueTypesTest extends BrokerTestSupport {

  private static final Duration RUN = Duration.ofSeconds(30);

  private PythonRunner python;

  @BeforeAll
  static void requirePika() {
    PythonRunner.requireModules("python3-pika", "pika");
  }

  @BeforeEach
  void prepare() {
    String uri = amqpUri();
    String pikaUrl = uri.matches("amqps?://[^/]*") ? uri + "/%2F" : uri;
    python = PythonRunner.fromSystemProperty(PythonRunner.environment(pikaUrl, "-" + uniqueName("py")));
  }

  @Test
  void shouldGetAndConsumeByPriorityFromPika() {
    assertThat(python.run(RUN, "priority_queue.py")).containsExactly(
        "get above-max", "get high", "get mid", "get low", "get none",
        "consume c-high c-mid c-low");
  }

  @Test
  void shouldDeliverToOneConsumerAtATimeFromPika() {
    assertThat(python.run(RUN, "single_active_consumer.py")).containsExactly(
        "first a0 a1 a2",
        "second b0 b1 b2");
  }
}

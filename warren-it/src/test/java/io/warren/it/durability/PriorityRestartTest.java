package io.warren.it.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Priority queues keep their order across a restart (by priority, then by arrival) and when
 * deep: past the in-memory limit entries are paged out to disk, and a high-priority message
 * published behind thousands of low ones is still delivered first.
 */
@Tag("durability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PriorityRestartTest {

  /** More than the queue keeps in memory (8,192 ready messages), so the tail is paged out. */
  private static final int DEEP = 12_000;

  @TempDir
  Path dataDir;

  private RestartableBroker broker;

  @BeforeEach
  void startBroker() {
    broker = RestartableBroker.start(dataDir);
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  private static AMQP.BasicProperties props(boolean persistent, int priority) {
    return new AMQP.BasicProperties.Builder().deliveryMode(persistent ? 2 : 1).priority(priority).build();
  }

  private static void send(Channel ch, String q, boolean persistent, int priority, String body) throws Exception {
    ch.basicPublish("", q, props(persistent, priority), body.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> drain(Channel ch, String q) throws Exception {
    List<String> out = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(q, true)) != null) {
      out.add(new String(r.getBody(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void shouldKeepPriorityOrderOfPersistentMessagesAcrossARestart() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("pq", true, false, false, Map.of("x-max-priority", 10));
    ch.confirmSelect();
    int[] priorities = {1, 7, 3, 7, 0, 10, 3};
    for (int i = 0; i < priorities.length; i++) {
      send(ch, "pq", true, priorities[i], "m" + i + "-p" + priorities[i]);
    }
    send(ch, "pq", false, 10, "transient-p10");
    ch.waitForConfirmsOrDie(5_000);

    broker.restart();

    Channel after = broker.channel();
    assertThat(after.queueDeclarePassive("pq").getMessageCount()).isEqualTo(7);
    assertThat(drain(after, "pq"))
        .containsExactly("m5-p10", "m1-p7", "m3-p7", "m2-p3", "m6-p3", "m0-p1", "m4-p0");
  }

  @Test
  void shouldDeliverTheHighestPriorityFirstFromADeepTransientQueue() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("deep-pq", false, false, false, Map.of("x-max-priority", 9));
    ch.confirmSelect();
    for (int i = 0; i < DEEP; i++) {
      send(ch, "deep-pq", false, i % 3, "low-" + i);
    }
    for (int i = 0; i < 50; i++) {
      send(ch, "deep-pq", false, 9, "high-" + i);
    }
    ch.waitForConfirmsOrDie(30_000);

    assertDeepOrder(ch, "deep-pq");
  }

  @Test
  void shouldDeliverTheHighestPriorityFirstFromADeepDurableQueueAfterARestart() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("deep-dpq", true, false, false, Map.of("x-max-priority", 9));
    ch.confirmSelect();
    for (int i = 0; i < DEEP; i++) {
      send(ch, "deep-dpq", true, i % 3, "low-" + i);
    }
    for (int i = 0; i < 50; i++) {
      send(ch, "deep-dpq", true, 9, "high-" + i);
    }
    ch.waitForConfirmsOrDie(30_000);

    broker.restart();

    assertDeepOrder(broker.channel(), "deep-dpq");
  }

  /** 50 "high" first, in order; then the lows by level (2, 1, 0), each level in arrival order. */
  private static void assertDeepOrder(Channel ch, String q) throws Exception {
    List<String> all = drain(ch, q);
    assertThat(all).hasSize(DEEP + 50);
    for (int i = 0; i < 50; i++) {
      assertThat(all.get(i)).isEqualTo("high-" + i);
    }
    List<String> expectedLows = new ArrayList<>();
    for (int level = 2; level >= 0; level--) {
      for (int i = level; i < DEEP; i += 3) {
        expectedLows.add("low-" + i);
      }
    }
    assertThat(all.subList(50, all.size())).isEqualTo(expectedLows);
  }
}

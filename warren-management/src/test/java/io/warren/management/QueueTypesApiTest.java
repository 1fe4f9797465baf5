package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What /api/queues and /api/consumers show of priority and single-active-consumer queues (RabbitMQ 3.10's fields). */
class QueueTypesApiTest extends ManagementTestSupport {

  @Test
  void shouldShowTheSingleActiveConsumerAndWhoIsWaiting() throws Exception {
    String name = unique("api-sac");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(name, false, false, false, Map.of("x-single-active-consumer", true));
    try {
      ch.basicConsume(name, true, "sac-first", new DefaultConsumer(ch));
      ch.basicConsume(name, true, "sac-second", new DefaultConsumer(ch));

      eventually(() -> {
        assertThat(get("/api/queues/%2F/" + name).map()).containsEntry("single_active_consumer_tag", "sac-first")
            .containsEntry("consumers", 2);
        assertThat(consumersOf(name)).containsExactlyInAnyOrder(
            List.of("sac-first", true, "single_active"), List.of("sac-second", false, "waiting"));
      });

      ch.basicCancel("sac-first");
      eventually(() -> {
        assertThat(get("/api/queues/%2F/" + name).map()).containsEntry("single_active_consumer_tag", "sac-second");
        assertThat(consumersOf(name)).containsExactly(List.of("sac-second", true, "single_active"));
      });
    } finally {
      ch.queueDelete(name);
    }
  }

  @Test
  void shouldShowPlainConsumersAsUpAndNoSingleActiveConsumerTag() throws Exception {
    String name = unique("api-plain");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(name, false, false, false, null);
    try {
      ch.basicConsume(name, true, "plain", new DefaultConsumer(ch));
      eventually(() -> {
        assertThat(get("/api/queues/%2F/" + name).map()).containsEntry("single_active_consumer_tag", null);
        assertThat(consumersOf(name)).containsExactly(List.of("plain", true, "up"));
      });
    } finally {
      ch.queueDelete(name);
    }
  }

  @Test
  void shouldCountTheMessagesOfEveryPriority() throws Exception {
    String name = unique("api-prio");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(name, false, false, false, Map.of("x-max-priority", 5));
    try {
      ch.confirmSelect();
      for (int p = 0; p <= 7; p++) {
        ch.basicPublish("", name, new AMQP.BasicProperties.Builder().priority(p).build(),
            "abc".getBytes(StandardCharsets.UTF_8));
      }
      ch.waitForConfirmsOrDie(5_000);
      ch.basicGet(name, false);
      eventually(() -> assertThat(get("/api/queues/%2F/" + name).map()).containsEntry("messages", 8)
          .containsEntry("messages_ready", 7).containsEntry("messages_unacknowledged", 1)
          .containsEntry("message_bytes_ready", 21));
    } finally {
      ch.queueDelete(name);
    }
  }

  /** [consumer_tag, active, activity_status] of each consumer of the queue. */
  private static List<List<Object>> consumersOf(String queue) throws Exception {
    return get("/api/consumers/%2F").list().stream()
        .filter(c -> queue.equals(asMap(c.get("queue")).get("name")))
        .map(c -> List.of(c.get("consumer_tag"), c.get("active"), c.get("activity_status")))
        .toList();
  }
}

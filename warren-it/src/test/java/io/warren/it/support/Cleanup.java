package io.warren.it.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers the queues and exchanges a test creates that outlive its connections, and deletes
 * them afterwards, so tests can share one external broker (the RabbitMQ reference node) with
 * other runs. Exclusive queues need no tracking: they die with their connection.
 */
public final class Cleanup {

  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();

  /** Declares a non-durable, non-exclusive, non-auto-delete queue and deletes it after the test. */
  public String queue(Channel channel, String name) throws IOException {
    channel.queueDeclare(name, false, false, false, null);
    return trackQueue(name);
  }

  /** Deletes {@code name} after the test if it still exists. */
  public String trackQueue(String name) {
    queues.add(name);
    return name;
  }

  /** Deletes exchange {@code name} after the test if it still exists. */
  public String trackExchange(String name) {
    exchanges.add(name);
    return name;
  }

  /** Deletes everything tracked, over a connection of its own. */
  public void deleteAll(ConnectionFactory factory) throws Exception {
    if (queues.isEmpty() && exchanges.isEmpty()) {
      return;
    }
    try (Connection c = factory.newConnection()) {
      Channel ch = c.createChannel();
      for (String q : queues) {
        ch.queueDelete(q);
      }
      for (String x : exchanges) {
        ch.exchangeDelete(x);
      }
    } finally {
      queues.clear();
      exchanges.clear();
    }
  }
}

package io.warren.it.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Names of queues and exchanges a test created that may outlive its connections; they are
 * deleted afterwards over a connection of the tracker's own, so that tests can share the
 * RabbitMQ reference node with other runs. Deleting something already gone is harmless: both
 * deletes are idempotent in AMQP 0-9-1 as RabbitMQ implements it.
 */
public final class EntityTracker {

  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();

  /** Remembers a queue name for deletion and returns it. */
  public String queue(String name) {
    queues.add(name);
    return name;
  }

  /** Remembers an exchange name for deletion and returns it. */
  public String exchange(String name) {
    exchanges.add(name);
    return name;
  }

  /**
   * Deletes one entity; if the broker refuses (say an exclusive queue still owned by an open
   * connection), the channel it closed is replaced so the remaining deletes still run.
   */
  private static Channel delete(Connection c, Channel ch, String name,
      boolean queue) throws Exception {
    try {
      if (queue) {
        ch.queueDelete(name);
      } else {
        ch.exchangeDelete(name);
      }
      return ch;
    } catch (IOException refused) {
      return c.createChannel();
    }
  }

  /** Deletes everything remembered, then forgets it. */
  public void deleteAll(ConnectionFactory factory) throws Exception {
    if (queues.isEmpty() && exchanges.isEmpty()) {
      return;
    }
    try (Connection c = factory.newConnection()) {
      Channel ch = c.createChannel();
      for (String q : queues) {
        ch = delete(c, ch, q, true);
      }
      for (String x : exchanges) {
        ch = delete(c, ch, x, false);
      }
    } finally {
      queues.clear();
      exchanges.clear();
    }
  }
}

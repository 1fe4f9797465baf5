package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.warren.junit.WarrenBroker;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One broker for the class, in memory; each test in a vhost of its own. */
@WarrenBroker
class OrderQueueTest {

  @Test
  void anOrderGoesThroughTheQueue(ConnectionFactory factory) throws Exception {
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.queueDeclare("orders", true, false, false, null);
      channel.basicPublish("", "orders", null, "order 42".getBytes(StandardCharsets.UTF_8));
      GetResponse response = channel.basicGet("orders", true);
      assertEquals("order 42", new String(response.getBody(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void eachTestStartsWithAnEmptyVhost(ConnectionFactory factory) throws Exception {
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.queueDeclare("orders", true, false, false, null);
      assertNull(channel.basicGet("orders", true));
    }
  }
}

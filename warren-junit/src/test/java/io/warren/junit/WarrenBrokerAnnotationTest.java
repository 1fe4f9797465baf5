package io.warren.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The annotation form with its defaults: in memory, one broker per class, a vhost per test. */
@WarrenBroker
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarrenBrokerAnnotationTest {

  @InjectWarren
  static int classPort;

  @InjectWarren
  URI uri;

  @InjectWarren
  TestBroker broker;

  @Test
  @Order(1)
  void injectedFactoryReachesTheBrokerInTheTestsOwnVhost(ConnectionFactory cf) throws Exception {
    assertThat(cf.getPort()).isEqualTo(classPort);
    assertThat(cf.getVirtualHost()).isEqualTo(broker.vhost()).startsWith("test-");
    try (Connection connection = cf.newConnection(); Channel channel = connection.createChannel()) {
      // durable declares work without a data folder; they just do not outlive the broker
      channel.queueDeclare("orders", true, false, false, null);
      channel.basicPublish("", "orders", null, "first".getBytes(StandardCharsets.UTF_8));
      GetResponse got = channel.basicGet("orders", true);
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("first");
      channel.basicPublish("", "orders", null, "left behind".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(broker.embedded().broker().config().inMemory()).isTrue();
    assertThat(broker.embedded().broker().store()).isNull();
  }

  @Test
  @Order(2)
  void theNextTestDoesNotSeeTheQueueOfTheLast(ConnectionFactory cf) throws Exception {
    try (Connection connection = cf.newConnection()) {
      Channel channel = connection.createChannel(); // closed by the 404
      assertThatThrownBy(() -> channel.queueDeclarePassive("orders"))
          .isInstanceOf(IOException.class)
          .cause().hasMessageContaining("NOT_FOUND - no queue 'orders' in vhost '" + broker.vhost() + "'");
    }
    assertThat(broker.embedded().broker().vhosts().all()).extracting(v -> v.name())
        .containsExactlyInAnyOrder("/", broker.vhost());
  }

  @Test
  @Order(3)
  void theUriNamesTheTestsVhost(@InjectWarren String uriText, @InjectWarren int port) throws Exception {
    assertThat(uriText).isEqualTo(uri.toString())
        .isEqualTo("amqp://guest:guest@127.0.0.1:" + port + "/" + broker.vhost());
    ConnectionFactory fromUri = new ConnectionFactory();
    fromUri.setUri(uri);
    try (Connection connection = fromUri.newConnection(); Channel channel = connection.createChannel()) {
      String queue = channel.queueDeclare().getQueue();
      assertThat(broker.embedded().broker().vhosts().get(broker.vhost()).queue(queue)).isNotNull();
    }
  }
}

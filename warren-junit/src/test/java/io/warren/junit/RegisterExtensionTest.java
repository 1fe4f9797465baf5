package io.warren.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The field form, purging between tests and with a real (temporary) data folder. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegisterExtensionTest {

  @RegisterExtension
  static WarrenExtension warren = new WarrenExtension()
      .withIsolation(Isolation.PURGE_BETWEEN_TESTS)
      .withStorage(Storage.TEMPORARY_FOLDER);

  @Test
  @Order(1)
  void publishesPersistentMessagesToTheDefaultVhost() throws Exception {
    assertThat(warren.vhost()).isEqualTo("/");
    assertThat(warren.amqpUri().toString()).isEqualTo("amqp://guest:guest@127.0.0.1:" + warren.port() + "/%2F");
    try (Connection connection = warren.connectionFactory().newConnection();
        Channel channel = connection.createChannel()) {
      channel.queueDeclare("kept", true, false, false, null);
      channel.confirmSelect();
      for (int i = 0; i < 3; i++) {
        channel.basicPublish("", "kept", com.rabbitmq.client.MessageProperties.PERSISTENT_TEXT_PLAIN,
            ("m" + i).getBytes(StandardCharsets.UTF_8));
      }
      channel.waitForConfirmsOrDie(5_000);
      assertThat(channel.messageCount("kept")).isEqualTo(3);
    }
    assertThat(warren.broker().broker().config().dataDir()).isDirectory();
  }

  @Test
  @Order(2)
  void theQueueStaysButItsMessagesArePurged() throws Exception {
    try (Connection connection = warren.connectionFactory().newConnection();
        Channel channel = connection.createChannel()) {
      assertThat(channel.queueDeclarePassive("kept").getMessageCount()).isZero();
    }
  }
}

package io.warren.it.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deep queues keep message bodies on disk: past a few thousand ready messages, transient
 * messages go to a scratch log (persistent ones in durable queues are already in their log),
 * and come back intact and in order when consumed. Scratch logs do not survive a restart.
 */
class DeepQueueTest {

  private static final int MESSAGES = 20_000;

  @TempDir
  Path dataDir;

  @Test
  void shouldPageTransientMessagesOfADeepQueueToDiskAndDeliverThemInOrder() throws Exception {
    BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir);
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      ConnectionFactory cf = new ConnectionFactory();
      cf.setPort(broker.port());
      try (Connection c = cf.newConnection()) {
        Channel ch = c.createChannel();
        String q = "deep-transient";
        ch.queueDeclare(q, false, false, false, null);
        ch.confirmSelect();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("id").build();
        for (int i = 0; i < MESSAGES; i++) {
          ch.basicPublish("", q, props, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(10_000);
        assertThat(scratchSegments()).as("scratch segments on disk").isPositive();

        for (int i = 0; i < MESSAGES; i++) {
          GetResponse r = ch.basicGet(q, true);
          assertThat(r).as("message %d", i).isNotNull();
          assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
          assertThat(r.getProps().getMessageId()).isEqualTo("id");
        }
        assertThat(ch.basicGet(q, true)).isNull();
      }
    }
    try (EmbeddedBroker restarted = EmbeddedBroker.start(config)) {
      assertThat(scratchSegments()).as("scratch logs are removed at start").isZero();
    }
  }

  private long scratchSegments() throws Exception {
    Path queues = dataDir.resolve("queues");
    if (!Files.isDirectory(queues)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(queues)) {
      return files.filter(p -> p.toString().contains("scratch-") && p.toString().endsWith(".seg")).count();
    }
  }
}

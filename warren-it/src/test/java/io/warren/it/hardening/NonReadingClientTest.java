package io.warren.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import io.warren.it.support.Canary;
import io.warren.it.support.MemoryProbe;
import io.warren.it.support.RawAmqpClient;
import io.warren.it.support.RawAmqpClient.Args;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that keeps asking (basic.get, mandatory publishes that come back) but never reads
 * the answers must not make the broker buffer without end: the broker stops reading from it,
 * so TCP pushes back, and once nothing it sent has been read for the send timeout it drops the
 * connection, as RabbitMQ does (tcp_listen_options.send_timeout, 30 s by default; 2 s here).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonReadingClientTest {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);
  private static final int BODY = 4096;
  private static final long DIRECT_MEMORY_BOUND = 48L << 20;

  private static Path dataDir;
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() throws IOException {
    dataDir = Files.createTempDirectory("warren-nonreading-");
    broker = EmbeddedBroker.start(BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
        .withDataDir(dataDir).withSendTimeout(SEND_TIMEOUT));
  }

  @AfterAll
  static void stop() throws IOException {
    broker.close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void clientThatAsksForMessagesButNeverReadsThemIsDisconnectedAndLosesNothing() throws Exception {
    String queue = "never-reads-gets";
    int messages = 20_000;
    try (Connection c = factory().newConnection()) {
      Channel ch = c.createChannel();
      ch.queueDeclare(queue, false, false, false, null);
      ch.confirmSelect();
      for (int i = 0; i < messages; i++) {
        ch.basicPublish("", queue, null, new byte[BODY]);
      }
      ch.waitForConfirmsOrDie(30_000);
    }
    try (Canary canary = Canary.start(factory()); MemoryProbe memory = MemoryProbe.start();
        RawAmqpClient greedy = RawAmqpClient.open(broker.amqpUri())) {
      greedy.openChannel(1);
      byte[] get = RawAmqpClient.frame(RawAmqpClient.FRAME_METHOD, 1,
          RawAmqpClient.methodPayload(60, 70, new Args().shortUint(0).shortstr(queue).bits(false)),
          RawAmqpClient.FRAME_END);
      CompletableFuture<Throwable> writer = keepWriting(greedy, get);

      Throwable ended = writer.get(SEND_TIMEOUT.toSeconds() + 20, TimeUnit.SECONDS);
      assertThat(ended).as("the broker dropped the connection").isInstanceOf(IOException.class);
      assertThat(memory.peakDirectBytes()).as("broker's network buffers").isLessThan(DIRECT_MEMORY_BOUND);
      canary.assertHealthy();
      assertThat(canary.worstRoundTripMillis()).as(canary.describe()).isLessThan(100);
    }
    // what basic.get handed out unacknowledged comes back when the connection goes
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int count;
    while ((count = messageCount(queue)) != messages && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(count).isEqualTo(messages);
  }

  @Test
  void publisherThatNeverReadsItsReturnedMessagesIsDisconnected() throws Exception {
    try (Canary canary = Canary.start(factory()); MemoryProbe memory = MemoryProbe.start();
        RawAmqpClient publisher = RawAmqpClient.open(broker.amqpUri())) {
      publisher.openChannel(1);
      java.io.ByteArrayOutputStream publish = new java.io.ByteArrayOutputStream();
      publish.writeBytes(RawAmqpClient.frame(RawAmqpClient.FRAME_METHOD, 1, RawAmqpClient.methodPayload(60, 40,
          new Args().shortUint(0).shortstr("").shortstr("no-such-queue").bits(true, false)), RawAmqpClient.FRAME_END));
      publish.writeBytes(RawAmqpClient.frame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(BODY),
          RawAmqpClient.FRAME_END));
      publish.writeBytes(RawAmqpClient.frame(RawAmqpClient.FRAME_BODY, 1, new byte[BODY], RawAmqpClient.FRAME_END));
      CompletableFuture<Throwable> writer = keepWriting(publisher, publish.toByteArray());

      Throwable ended = writer.get(SEND_TIMEOUT.toSeconds() + 20, TimeUnit.SECONDS);
      assertThat(ended).as("the broker dropped the connection").isInstanceOf(IOException.class);
      assertThat(memory.peakDirectBytes()).as("broker's network buffers").isLessThan(DIRECT_MEMORY_BOUND);
      canary.assertHealthy();
      assertThat(canary.worstRoundTripMillis()).as(canary.describe()).isLessThan(100);
    }
  }

  @Test
  void slowReaderThatKeepsReadingIsNotDisconnected() throws Exception {
    String queue = "slow-reader";
    try (Connection c = factory().newConnection()) {
      Channel ch = c.createChannel();
      ch.queueDeclare(queue, false, false, false, null);
      for (int i = 0; i < 3_000; i++) {
        ch.basicPublish("", queue, null, new byte[BODY]);
      }
    }
    try (RawAmqpClient slow = RawAmqpClient.open(broker.amqpUri())) {
      slow.openChannel(1);
      slow.sendMethod(1, 60, 20, new Args().shortUint(0).shortstr(queue).shortstr("slow")
          .bits(false, true, false, false).emptyTable());
      // reads a little at a time for well over the send timeout: the socket stays full, but
      // what the broker sent keeps being read, so the connection lives
      long until = System.nanoTime() + SEND_TIMEOUT.multipliedBy(3).toNanos();
      int bodies = 0;
      while (System.nanoTime() < until) {
        RawAmqpClient.Frame f = slow.readFrame();
        assertThat(f).as("connection still open").isNotNull();
        if (f.type() == RawAmqpClient.FRAME_BODY) {
          bodies++;
          Thread.sleep(5);
        }
      }
      assertThat(bodies).isGreaterThan(100);
      assertThat(slow.isClosedByBroker()).isFalse();
    }
  }

  /** Writes {@code bytes} again and again until the socket fails; returns that failure. */
  private static CompletableFuture<Throwable> keepWriting(RawAmqpClient client, byte[] bytes) {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        while (true) {
          client.send(bytes);
        }
      } catch (Throwable e) {
        ended.complete(e);
      }
    }, "never-reads");
    t.setDaemon(true);
    t.start();
    return ended;
  }

  private static ConnectionFactory factory() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(broker.amqpUri());
    cf.setAutomaticRecoveryEnabled(false);
    return cf;
  }

  private static int messageCount(String queue) throws Exception {
    try (Connection c = factory().newConnection()) {
      return c.createChannel().queueDeclarePassive(queue).getMessageCount();
    }
  }
}

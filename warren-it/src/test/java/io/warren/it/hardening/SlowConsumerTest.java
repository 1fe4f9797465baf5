package io.warren.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Canary;
import io.warren.it.support.MemoryProbe;
import io.warren.it.support.RawAmqpClient;
import io.warren.it.support.RawAmqpClient.Args;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Consumers that cannot keep up, or stop reading altogether, must cost the broker a bounded
 * amount of memory, must not stall anyone else, and must not make messages disappear: the queue
 * hands out messages only as fast as the consumer's socket takes them (RabbitMQ's behaviour).
 * Each test runs a {@link Canary} throughout: the broker keeps serving everyone else.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowConsumerTest extends BrokerTestSupport {

  private static final int MESSAGES = 40_000;
  private static final int BODY = 4096;
  /** What one stalled consumer may make the broker hold in network buffers. */
  private static final long DIRECT_MEMORY_BOUND = 48L << 20;
  /** A canary round trip longer than this means the broker stopped serving others. */
  private static final double WORST_ROUND_TRIP_MS = 100;

  @Test
  void autoAckConsumerThatStopsReadingHoldsBackTheQueueInsteadOfDroppingIt() throws Exception {
    String queue = fillQueue("stalled-autoack");
    try (Canary canary = Canary.start(connectionFactory()); MemoryProbe memory = MemoryProbe.start();
        RawAmqpClient stalled = RawAmqpClient.open(amqpUri())) {
      stalled.openChannel(1);
      consume(stalled, queue, true);
      // the consumer reads nothing more: the broker may send only what its socket takes
      Thread.sleep(3_000);

      int left = messageCount(queue);
      long sentToNobody = MESSAGES - left;
      // auto-ack messages count as delivered once written to the socket; those that sit in the
      // kernel's buffers when the client goes are gone, as in RabbitMQ, but only those
      assertThat(sentToNobody * BODY).as("bytes handed to a consumer that reads nothing")
          .isLessThan(32L << 20);
      assertThat(memory.peakDirectBytes()).as("broker's network buffers").isLessThan(DIRECT_MEMORY_BOUND);
      canary.assertHealthy();
      assertThat(canary.rounds()).isGreaterThan(5);
      assertThat(canary.worstRoundTripMillis()).as(canary.describe()).isLessThan(WORST_ROUND_TRIP_MS);
    }
    // what was not sent is still there, and a consumer that reads gets all of it
    int left = messageCount(queue);
    assertThat(drain(queue)).isEqualTo(left);
  }

  @Test
  void aFastConsumerDrainingADeepQueueLeavesTheBrokerServingOthers() throws Exception {
    String queue = fillQueue("fast-drain");
    try (Canary canary = Canary.start(connectionFactory()); MemoryProbe memory = MemoryProbe.start();
        Connection c = connectionFactory().newConnection()) {
      Thread.sleep(300); // the canary's first rounds, before the drain
      Channel ch = c.createChannel();
      java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(MESSAGES);
      ch.basicConsume(queue, true, new DefaultConsumer(ch) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
          all.countDown();
        }
      });
      assertThat(all.await(60, TimeUnit.SECONDS)).as("all %d messages consumed", MESSAGES).isTrue();
      Thread.sleep(300);
      assertThat(memory.peakDirectBytes()).as("broker's network buffers").isLessThan(DIRECT_MEMORY_BOUND);
      canary.assertHealthy();
      assertThat(canary.worstRoundTripMillis()).as(canary.describe()).isLessThan(WORST_ROUND_TRIP_MS);
    }
  }

  @Test
  void manualAckConsumerWithoutPrefetchThatStopsReadingLosesNothing() throws Exception {
    String queue = fillQueue("stalled-manual");
    try (Canary canary = Canary.start(connectionFactory()); MemoryProbe memory = MemoryProbe.start()) {
      RawAmqpClient stalled = RawAmqpClient.open(amqpUri());
      stalled.openChannel(1);
      consume(stalled, queue, false); // prefetch 0: pika's default
      Thread.sleep(3_000);
      assertThat(messageCount(queue)).as("ready messages while the consumer stalls")
          .isGreaterThan(MESSAGES - (int) ((32L << 20) / BODY));
      assertThat(memory.peakDirectBytes()).as("broker's network buffers").isLessThan(DIRECT_MEMORY_BOUND);
      canary.assertHealthy();
      assertThat(canary.worstRoundTripMillis()).as(canary.describe()).isLessThan(WORST_ROUND_TRIP_MS);
      stalled.close();
    }
    // every message the stalled consumer held unacked comes back
    awaitMessageCount(queue, MESSAGES);
    assertThat(drain(queue)).isEqualTo(MESSAGES);
  }

  @Test
  void aConsumerThatNeverAcksDoesNotSlowPublishers() throws Exception {
    Connection consumerConnection = connectionFactory().newConnection();
    Channel consumerChannel = consumerConnection.createChannel();
    String queue = uniqueName("stuck-consumer");
    consumerChannel.queueDeclare(queue, false, false, true, null);
    consumerChannel.basicQos(1);
    consumerChannel.basicConsume(queue, false, new DefaultConsumer(consumerChannel)); // never acks

    try (Canary canary = Canary.start(connectionFactory());
        Connection publisherConnection = connectionFactory().newConnection()) {
      Channel publisher = publisherConnection.createChannel();
      publisher.confirmSelect();
      byte[] body = new byte[64];
      int published = 30_000; // past the 20,000 ready messages where publishers used to wait
      for (int i = 0; i < published; i++) {
        publisher.basicPublish("", queue, null, body);
      }
      publisher.waitForConfirmsOrDie(20_000);
      assertThat(messageCount(queue)).isEqualTo(published - 1);
      canary.assertHealthy();
      assertThat(canary.worstRoundTripMillis()).as(canary.describe()).isLessThan(WORST_ROUND_TRIP_MS);
    } finally {
      consumerConnection.abort(5_000);
    }
  }

  // ------------------------------------------------------------------------------------------

  /** A queue holding {@link #MESSAGES} transient messages of {@link #BODY} bytes, each numbered. */
  private String fillQueue(String prefix) throws Exception {
    String queue = uniqueName(prefix);
    try (Connection c = connectionFactory().newConnection()) {
      Channel ch = c.createChannel();
      ch.queueDeclare(queue, false, false, false, null);
      ch.confirmSelect();
      byte[] body = new byte[BODY];
      for (int i = 0; i < MESSAGES; i++) {
        body[0] = (byte) i;
        ch.basicPublish("", queue, null, body);
      }
      ch.waitForConfirmsOrDie(60_000);
    }
    return queue;
  }

  private static void consume(RawAmqpClient client, String queue, boolean noAck) throws Exception {
    client.sendMethod(1, 60, 20, new Args().shortUint(0).shortstr(queue).shortstr("stalled")
        .bits(false, noAck, false, false).emptyTable());
    client.expectMethod(1, 60, 21);
  }

  private int messageCount(String queue) throws Exception {
    try (Connection c = connectionFactory().newConnection()) {
      return c.createChannel().queueDeclarePassive(queue).getMessageCount();
    }
  }

  private void awaitMessageCount(String queue, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int count;
    while ((count = messageCount(queue)) != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(count).isEqualTo(expected);
  }

  /** Consumes (with acks) everything the queue holds; returns how many messages came. */
  private int drain(String queue) throws Exception {
    try (Connection c = connectionFactory().newConnection()) {
      Channel ch = c.createChannel();
      ch.basicQos(500);
      int[] got = {0};
      ch.basicConsume(queue, false, new DefaultConsumer(ch) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
          synchronized (got) {
            got[0]++;
          }
          try {
            getChannel().basicAck(envelope.getDeliveryTag(), false);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      long quietSince = System.nanoTime();
      int seen = -1;
      while (System.nanoTime() - quietSince < Duration.ofMillis(500).toNanos()) {
        Thread.sleep(50);
        synchronized (got) {
          if (got[0] != seen) {
            seen = got[0];
            quietSince = System.nanoTime();
          }
        }
      }
      synchronized (got) {
        return got[0];
      }
    }
  }
}

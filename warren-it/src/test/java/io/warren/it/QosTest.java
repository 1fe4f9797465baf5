package io.warren.it;

import static io.warren.it.support.CloseReasons.assertConnectionError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Deliveries;
import io.warren.it.support.Deliveries.Received;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * basic.qos as RabbitMQ 3.x reads it (capability per_consumer_qos): global=false limits each
 * consumer created afterwards on the channel, global=true limits the channel as a whole.
 *
 * <p>Each test publishes more messages than the limit and checks the exact number delivered
 * before any ack; the short silent window after that is what proves the limit holds.
 */
@Tag("basic")
class QosTest extends BrokerTestSupport {

  private static final long SILENCE_MILLIS = 300;

  private static String exclusiveQueue(Channel ch) throws Exception {
    return ch.queueDeclare(uniqueName("qos"), false, true, false, null).getQueue();
  }

  private static void publish(Channel ch, String queue, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String[] names(int from, int toExclusive) {
    return IntStream.range(from, toExclusive).mapToObj(i -> "m" + i).toArray(String[]::new);
  }

  @Test
  void shouldDeliverAtMostPrefetchCountUnackedMessagesToAConsumer() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 10);
    ch.basicQos(3);
    Deliveries consumer = new Deliveries(ch);

    ch.basicConsume(q, false, consumer);

    assertThat(consumer.nextTexts(3)).containsExactly(names(0, 3));
    consumer.expectNone(SILENCE_MILLIS);
  }

  @Test
  void shouldDeliverOneMoreMessageForEachAck() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 10);
    ch.basicQos(2);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    List<Received> first = consumer.next(2);

    ch.basicAck(first.get(0).deliveryTag(), false);

    assertThat(consumer.next().text()).isEqualTo("m2");
    consumer.expectNone(SILENCE_MILLIS);
  }

  @Test
  void shouldFreePrefetchCreditOnRejectAndNackToo() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 10);
    ch.basicQos(2);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    List<Received> first = consumer.next(2);

    ch.basicReject(first.get(0).deliveryTag(), false);
    ch.basicNack(first.get(1).deliveryTag(), false, false);

    assertThat(consumer.nextTexts(2)).containsExactly("m2", "m3");
    consumer.expectNone(SILENCE_MILLIS);
  }

  @Test
  void shouldApplyNonGlobalPrefetchToEachConsumerOnTheChannelSeparately() throws Exception {
    Channel ch = openChannel();
    String q1 = exclusiveQueue(ch);
    String q2 = exclusiveQueue(ch);
    publish(ch, q1, 10);
    publish(ch, q2, 10);
    ch.basicQos(2, false);
    Deliveries a = new Deliveries(ch);
    Deliveries b = new Deliveries(ch);

    ch.basicConsume(q1, false, a);
    ch.basicConsume(q2, false, b);

    assertThat(a.next(2)).hasSize(2);
    assertThat(b.next(2)).hasSize(2);
    a.expectNone(SILENCE_MILLIS);
    b.expectNone(0);
  }

  @Test
  void shouldShareGlobalPrefetchAcrossAllConsumersOfTheChannel() throws Exception {
    Channel ch = openChannel();
    String q1 = exclusiveQueue(ch);
    String q2 = exclusiveQueue(ch);
    ch.basicQos(3, true);
    Deliveries a = new Deliveries(ch);
    Deliveries b = new Deliveries(ch);
    ch.basicConsume(q1, false, a);
    ch.basicConsume(q2, false, b);

    publish(ch, q1, 2);
    List<Received> taken = a.next(2);
    publish(ch, q2, 5);

    assertThat(b.next().text()).isEqualTo("m0"); // 2 + 1 = the channel's 3
    b.expectNone(SILENCE_MILLIS);
    ch.basicAck(taken.get(0).deliveryTag(), false);
    assertThat(b.next().text()).isEqualTo("m1");
    b.expectNone(SILENCE_MILLIS);
    a.expectNone(0);
  }

  @Test
  void shouldHoldBackNoAckDeliveriesWhileTheGlobalPrefetchIsUsedUp() throws Exception {
    Channel ch = openChannel();
    String acked = exclusiveQueue(ch);
    String noAck = exclusiveQueue(ch);
    ch.basicQos(1, true);
    Deliveries a = new Deliveries(ch);
    Deliveries b = new Deliveries(ch);
    ch.basicConsume(acked, false, a);
    publish(ch, acked, 1);
    Received held = a.next();
    ch.basicConsume(noAck, true, b);

    publish(ch, noAck, 1);

    // no-ack deliveries take no credit, but none go out while the channel is at its limit
    b.expectNone(SILENCE_MILLIS);
    ch.basicAck(held.deliveryTag(), false);
    assertThat(b.next().text()).isEqualTo("m0");
  }

  @Test
  void shouldShareTheGlobalPrefetchFairlyBetweenTheChannelsQueues() throws Exception {
    Channel ch = openChannel();
    ch.basicQos(1, true);
    Deliveries consumer = new Deliveries(ch);
    List<String> queues = List.of(exclusiveQueue(ch), exclusiveQueue(ch), exclusiveQueue(ch));
    for (String q : queues) {
      ch.basicConsume(q, false, consumer);
    }
    for (String q : queues) {
      publish(ch, q, 20);
    }

    // one message at a time, each acked before the next: every queue must get some turns
    for (int i = 0; i < 30; i++) {
      ch.basicAck(consumer.next().deliveryTag(), false);
    }

    for (String q : queues) {
      assertThat(ch.queueDeclarePassive(q).getMessageCount()).as("ready in %s", q).isLessThan(20);
    }
  }

  @Test
  void shouldHonourBothTheConsumerAndTheChannelLimitWhenBothAreSet() throws Exception {
    Channel ch = openChannel();
    String q1 = exclusiveQueue(ch);
    String q2 = exclusiveQueue(ch);
    String q3 = exclusiveQueue(ch);
    publish(ch, q1, 10);
    publish(ch, q2, 10);
    publish(ch, q3, 10);
    ch.basicQos(2, false); // each consumer: 2
    ch.basicQos(5, true); // the channel: 5
    Deliveries a = new Deliveries(ch);
    Deliveries b = new Deliveries(ch);
    Deliveries c = new Deliveries(ch);

    // one consumer at a time, so which queue reaches the channel limit first is not a race
    ch.basicConsume(q1, false, a);
    assertThat(a.next(2)).hasSize(2);
    ch.basicConsume(q2, false, b);
    assertThat(b.next(2)).hasSize(2);
    ch.basicConsume(q3, false, c);
    assertThat(c.next(1)).hasSize(1);

    a.expectNone(SILENCE_MILLIS);
    b.expectNone(0);
    c.expectNone(0);
  }

  @Test
  void shouldDeliverEverythingWhenPrefetchCountIsZero() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 50);
    ch.basicQos(0);
    Deliveries consumer = new Deliveries(ch);

    ch.basicConsume(q, false, consumer);

    assertThat(consumer.nextTexts(50)).containsExactly(names(0, 50));
  }

  @Test
  void shouldIgnorePrefetchForNoAckConsumers() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 20);
    ch.basicQos(1);
    Deliveries consumer = new Deliveries(ch);

    ch.basicConsume(q, true, consumer);

    assertThat(consumer.nextTexts(20)).containsExactly(names(0, 20));
  }

  @Test
  void shouldNotLimitBasicGet() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 3);
    ch.basicQos(1, true);

    assertThat(ch.basicGet(q, false)).isNotNull();
    assertThat(ch.basicGet(q, false)).isNotNull();
    assertThat(ch.basicGet(q, false)).isNotNull();
  }

  @Test
  void shouldKeepTheOldLimitForExistingConsumersWhenNonGlobalPrefetchChanges() throws Exception {
    Channel ch = openChannel();
    String q1 = exclusiveQueue(ch);
    String q2 = exclusiveQueue(ch);
    publish(ch, q1, 10);
    publish(ch, q2, 10);
    ch.basicQos(1, false);
    Deliveries before = new Deliveries(ch);
    ch.basicConsume(q1, false, before);
    Received held = before.next();

    ch.basicQos(3, false);
    Deliveries after = new Deliveries(ch);
    ch.basicConsume(q2, false, after);

    assertThat(after.next(3)).hasSize(3);
    after.expectNone(SILENCE_MILLIS);
    before.expectNone(0);
    ch.basicAck(held.deliveryTag(), false);
    assertThat(before.next().text()).isEqualTo("m1");
    before.expectNone(SILENCE_MILLIS);
  }

  @Test
  void shouldDeliverMoreAtOnceWhenGlobalPrefetchIsRaised() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 10);
    ch.basicQos(1, true);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    assertThat(consumer.next().text()).isEqualTo("m0");
    consumer.expectNone(SILENCE_MILLIS);

    ch.basicQos(4, true);

    assertThat(consumer.nextTexts(3)).containsExactly("m1", "m2", "m3");
    consumer.expectNone(SILENCE_MILLIS);
  }

  @Test
  void shouldHoldBackDeliveriesWhenGlobalPrefetchIsLoweredUntilEnoughAreAcked() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, 10);
    ch.basicQos(4, true);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    List<Received> first = consumer.next(4);

    ch.basicQos(2, true);
    ch.basicAck(first.get(0).deliveryTag(), false);
    ch.basicAck(first.get(1).deliveryTag(), false);
    consumer.expectNone(SILENCE_MILLIS); // 2 still unacked: at the new limit
    ch.basicAck(first.get(2).deliveryTag(), false);

    assertThat(consumer.next().text()).isEqualTo("m4");
    consumer.expectNone(SILENCE_MILLIS);
  }

  @Test
  void shouldCloseConnectionWith540WhenPrefetchSizeIsNotZero() throws Exception {
    Channel ch = openChannel();

    assertConnectionError(
        ch, 540, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)", () -> ch.basicQos(1000, 10, false));
  }
}

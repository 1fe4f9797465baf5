package io.warren.it.queuetypes;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Deliveries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Priority queues (x-max-priority), as RabbitMQ 3.10's classic queues behave: higher priorities
 * first and oldest first within one, no priority counts as 0 and one above the maximum as the
 * maximum, requeued messages go back to their place, drop-head drops the head (the oldest
 * message of the highest priority), TTLs expire from the head. Every expectation here was
 * checked against RabbitMQ 3.10.8 with {@code -Dwarren.test.uri}.
 */
@Tag("rabbitmq-extensions")
class PriorityQueueTest extends BrokerTestSupport {

  private static String priorityQueue(Channel ch, int max, Map<String, Object> more) throws IOException {
    Map<String, Object> args = new HashMap<>(more);
    args.put("x-max-priority", max);
    return ch.queueDeclare(uniqueName("prio"), false, true, false, args).getQueue();
  }

  private static void publish(Channel ch, String queue, String body, Integer priority) throws IOException {
    ch.basicPublish("", queue, new AMQP.BasicProperties.Builder().priority(priority).build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes {@code body-p<priority>} for each priority, in order, and waits for the confirms. */
  private static void publishAll(Channel ch, String queue, Integer... priorities) throws Exception {
    ch.confirmSelect();
    for (int i = 0; i < priorities.length; i++) {
      publish(ch, queue, "m" + i + "-p" + priorities[i], priorities[i]);
    }
    ch.waitForConfirmsOrDie(5_000);
  }

  private static List<String> drain(Channel ch, String queue) throws IOException {
    List<String> bodies = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) != null) {
      bodies.add(new String(r.getBody(), StandardCharsets.UTF_8));
    }
    return bodies;
  }

  @Test
  void shouldGetHigherPrioritiesFirstAndOldestFirstWithinAPriority() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 10, Map.of());
    publishAll(ch, q, 1, 5, 9, 5, 1, 9);

    assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(6);
    assertThat(drain(ch, q)).containsExactly("m2-p9", "m5-p9", "m1-p5", "m3-p5", "m0-p1", "m4-p1");
  }

  @Test
  void shouldTreatNoPriorityAsZeroAndAPriorityAboveTheMaximumAsTheMaximum() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 5, Map.of());
    publishAll(ch, q, null, 0, 200, 5, 3, null);

    // 200 and 5 share the top level (5), in arrival order; none and 0 share level 0
    assertThat(drain(ch, q)).containsExactly("m2-p200", "m3-p5", "m4-p3", "m0-pnull", "m1-p0", "m5-pnull");
  }

  @Test
  void shouldDeliverByPriorityToAConsumer() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 10, Map.of());
    publishAll(ch, q, 0, 3, 7, 10, 3, 0);

    Channel consumerChannel = ch.getConnection().createChannel();
    Deliveries deliveries = new Deliveries(consumerChannel);
    consumerChannel.basicConsume(q, true, deliveries);

    assertThat(deliveries.nextTexts(6)).containsExactly("m3-p10", "m2-p7", "m1-p3", "m4-p3", "m0-p0", "m5-p0");
  }

  @Test
  void shouldPutARequeuedMessageBackInItsPlaceInItsPriority() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 10, Map.of());
    publishAll(ch, q, 1, 5, 9, 5, null, 20);

    GetResponse first = ch.basicGet(q, false);
    GetResponse second = ch.basicGet(q, false);
    GetResponse third = ch.basicGet(q, false);
    assertThat(List.of(first, second, third)).extracting(r -> new String(r.getBody(), StandardCharsets.UTF_8))
        .containsExactly("m5-p20", "m2-p9", "m1-p5");
    ch.basicNack(third.getEnvelope().getDeliveryTag(), false, true);
    ch.basicNack(second.getEnvelope().getDeliveryTag(), false, true);

    List<String> rest = new ArrayList<>();
    List<Boolean> redelivered = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(q, false)) != null) {
      rest.add(new String(r.getBody(), StandardCharsets.UTF_8));
      redelivered.add(r.getEnvelope().isRedeliver());
    }
    assertThat(rest).containsExactly("m2-p9", "m1-p5", "m3-p5", "m0-p1", "m4-pnull");
    assertThat(redelivered).containsExactly(true, true, false, false, false);
  }

  @Test
  void shouldRequeueMessagesOfSeveralPrioritiesWhenTheChannelCloses() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 10, Map.of());
    publishAll(ch, q, 2, 8, 2, 8, 5);

    Channel consumerChannel = ch.getConnection().createChannel();
    consumerChannel.basicQos(3);
    Deliveries held = new Deliveries(consumerChannel);
    consumerChannel.basicConsume(q, false, held);
    assertThat(held.nextTexts(3)).containsExactly("m1-p8", "m3-p8", "m4-p5");
    consumerChannel.close();

    assertThat(drain(ch, q)).containsExactly("m1-p8", "m3-p8", "m4-p5", "m0-p2", "m2-p2");
  }

  @Test
  void shouldDropTheHeadOfTheHighestPriorityWhenOverMaxLength() throws Exception {
    // RabbitMQ 3.10 drops the head of the queue, the message that would be delivered next
    Channel ch = openChannel();
    String dlq = ch.queueDeclare(uniqueName("prio-dlq"), false, true, false, null).getQueue();
    String q = priorityQueue(ch, 10, Map.of("x-max-length", 3, "x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", dlq));
    publishAll(ch, q, 1, 5, 9, 5);

    assertThat(drain(ch, q)).containsExactly("m1-p5", "m3-p5", "m0-p1");
    GetResponse dropped = awaitGet(ch, dlq);
    assertThat(new String(dropped.getBody(), StandardCharsets.UTF_8)).isEqualTo("m2-p9");
    assertThat(dropped.getProps().getPriority()).isEqualTo(9);
  }

  @Test
  void shouldExpireMessagesAtTheHeadOfAPriorityQueue() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 10, Map.of());
    ch.confirmSelect();
    ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(9).expiration("50").build(),
        "short-lived".getBytes(StandardCharsets.UTF_8));
    publish(ch, q, "kept", 1);
    ch.waitForConfirmsOrDie(5_000);

    Thread.sleep(300);
    assertThat(drain(ch, q)).containsExactly("kept");
  }

  @Test
  void shouldDeadLetterRejectedMessagesWithTheirPriority() throws Exception {
    Channel ch = openChannel();
    String dlq = priorityQueue(ch, 10, Map.of());
    String q = priorityQueue(ch, 10, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
    publishAll(ch, q, 3, 7);

    GetResponse high = ch.basicGet(q, false);
    GetResponse low = ch.basicGet(q, false);
    ch.basicReject(low.getEnvelope().getDeliveryTag(), false);
    ch.basicReject(high.getEnvelope().getDeliveryTag(), false);

    awaitGetCount(ch, dlq, 2);
    assertThat(drain(ch, dlq)).containsExactly("m1-p7", "m0-p3");
  }

  @Test
  void shouldOrderEveryPriorityOfAQueueWith255Levels() throws Exception {
    // RabbitMQ's Java client suite, PriorityQueues#maxAllowedPriority, in full
    Channel ch = openChannel();
    String q = priorityQueue(ch, 255, Map.of());
    ch.confirmSelect();
    for (int p = 1; p <= 255; p++) {
      publish(ch, q, "p" + p, p);
    }
    ch.waitForConfirmsOrDie(5_000);

    Deliveries deliveries = new Deliveries(ch);
    ch.basicConsume(q, true, deliveries);
    List<Integer> priorities = deliveries.next(255).stream().map(d -> d.properties().getPriority()).toList();
    List<Integer> expected = new ArrayList<>();
    for (int p = 255; p >= 1; p--) {
      expected.add(p);
    }
    assertThat(priorities).isEqualTo(expected);
  }

  @Test
  void shouldTreatMaxPriorityZeroAsOneLevel() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 0, Map.of());
    publishAll(ch, q, 5, 0, 9);

    assertThat(drain(ch, q)).containsExactly("m0-p5", "m1-p0", "m2-p9");
  }

  @Test
  void shouldRefuseAMaxPriorityAbove255() throws Exception {
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'p256'"
        + " in vhost '/': {max_value_exceeded,256}",
        () -> ch.queueDeclare("p256", false, true, false, Map.of("x-max-priority", 256)));
  }

  @Test
  void shouldRefuseANegativeMaxPriority() throws Exception {
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'pneg'"
        + " in vhost '/': {value_negative,-1}",
        () -> ch.queueDeclare("pneg", false, true, false, Map.of("x-max-priority", -1)));
  }

  @Test
  void shouldRefuseAMaxPriorityThatIsNotAnInteger() throws Exception {
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'pstr'"
        + " in vhost '/': \"expected integer, got longstr\"",
        () -> ch.queueDeclare("pstr", false, true, false, Map.of("x-max-priority", "5")));
  }

  @Test
  void shouldRefuseRedeclaringWithAnotherMaxPriority() throws Exception {
    Channel ch = openChannel();
    String q = priorityQueue(ch, 5, Map.of());
    assertChannelError(ch, 406, "PRECONDITION_FAILED - inequivalent arg 'x-max-priority' for queue '" + q
        + "' in vhost '/': received '6' but current is '5'",
        () -> ch.queueDeclare(q, false, true, false, Map.of("x-max-priority", 6)));
  }

  private static GetResponse awaitGet(Channel ch, String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(r).as("a message in %s", queue).isNotNull();
    return r;
  }

  private static void awaitGetCount(Channel ch, String queue, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ch.queueDeclarePassive(queue).getMessageCount() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(expected);
  }
}

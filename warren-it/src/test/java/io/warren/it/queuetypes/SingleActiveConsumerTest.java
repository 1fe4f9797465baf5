package io.warren.it.queuetypes;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Deliveries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * x-single-active-consumer, as RabbitMQ 3.10's classic queues do it: the first consumer
 * registered receives everything; when it goes (cancel, channel or connection closed) the
 * waiting consumer with the highest x-priority takes over, the earliest registered among
 * equals, and the departed one's unacked messages reach it first, in order. Checked against
 * RabbitMQ 3.10.8 with {@code -Dwarren.test.uri}.
 */
@Tag("rabbitmq-extensions")
class SingleActiveConsumerTest extends BrokerTestSupport {

  private static final long QUIET_MILLIS = 300;

  private final List<String> declared = new ArrayList<>();

  @AfterEach
  void deleteQueues() throws Exception {
    try (Connection c = connectionFactory().newConnection()) {
      for (String q : declared) {
        c.createChannel().queueDelete(q);
      }
    }
  }

  private String sacQueue(Channel ch) throws IOException {
    String q = ch.queueDeclare(uniqueName("sac"), false, false, false, Map.of("x-single-active-consumer", true))
        .getQueue();
    declared.add(q);
    return q;
  }

  private static void publish(Channel ch, String queue, String... bodies) throws Exception {
    ch.confirmSelect();
    for (String b : bodies) {
      ch.basicPublish("", queue, null, b.getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(5_000);
  }

  private static Deliveries consume(Channel ch, String queue, String tag, int priority, boolean autoAck)
      throws IOException {
    Deliveries d = new Deliveries(ch);
    ch.basicConsume(queue, autoAck, tag, false, false, Map.of("x-priority", priority), d);
    d.awaitConsumeOk();
    return d;
  }

  @Test
  void shouldDeliverOnlyToTheFirstConsumerRegistered() throws Exception {
    Channel ch = openChannel();
    String q = sacQueue(ch);
    Deliveries first = consume(openChannel(), q, "first", 0, true);
    Deliveries second = consume(openChannel(), q, "second", 0, true);

    publish(ch, q, "a", "b", "c", "d");

    assertThat(first.nextTexts(4)).containsExactly("a", "b", "c", "d");
    second.expectNone(QUIET_MILLIS);
  }

  @Test
  void shouldHandOverToTheNextRegisteredWhenTheActiveConsumerCancels() throws Exception {
    Channel ch = openChannel();
    String q = sacQueue(ch);
    Channel firstChannel = openChannel();
    Deliveries first = consume(firstChannel, q, "first", 0, true);
    Deliveries second = consume(openChannel(), q, "second", 0, true);
    Deliveries third = consume(openChannel(), q, "third", 0, true);
    publish(ch, q, "before");
    assertThat(first.nextTexts(1)).containsExactly("before");

    firstChannel.basicCancel("first");
    publish(ch, q, "after-1", "after-2");

    assertThat(second.nextTexts(2)).containsExactly("after-1", "after-2");
    third.expectNone(QUIET_MILLIS);
    first.expectNone(0);
  }

  @Test
  void shouldGiveTheDepartedConsumersUnackedMessagesToTheNextOneFirstWhenItsChannelCloses() throws Exception {
    Channel ch = openChannel();
    String q = sacQueue(ch);
    Channel firstChannel = openChannel();
    firstChannel.basicQos(3);
    Deliveries first = consume(firstChannel, q, "first", 0, false);
    Channel secondChannel = openChannel();
    Deliveries second = consume(secondChannel, q, "second", 0, false);
    publish(ch, q, "m1", "m2", "m3", "m4", "m5");
    assertThat(first.nextTexts(3)).containsExactly("m1", "m2", "m3");
    second.expectNone(QUIET_MILLIS);

    firstChannel.close();

    List<Deliveries.Received> taken = second.next(5);
    assertThat(taken).extracting(Deliveries.Received::text).containsExactly("m1", "m2", "m3", "m4", "m5");
    assertThat(taken).extracting(Deliveries.Received::redelivered).containsExactly(true, true, true, false, false);
    secondChannel.basicAck(taken.get(4).deliveryTag(), true);
  }

  @Test
  void shouldHandOverWhenTheActiveConsumersConnectionGoes() throws Exception {
    Channel ch = openChannel();
    String q = sacQueue(ch);
    Connection firstConnection = connect();
    Deliveries first = consume(firstConnection.createChannel(), q, "first", 0, false);
    Deliveries second = consume(openChannel(), q, "second", 0, true);
    publish(ch, q, "m1", "m2");
    assertThat(first.nextTexts(2)).containsExactly("m1", "m2");

    firstConnection.abort();
    publish(ch, q, "m3");

    assertThat(second.nextTexts(3)).containsExactly("m1", "m2", "m3");
  }

  @Test
  void shouldKeepTheFirstRegisteredActiveThenPreferTheHighestPriority() throws Exception {
    Channel ch = openChannel();
    String q = sacQueue(ch);
    Channel consumers = openChannel();
    Deliveries low = consume(consumers, q, "low", 0, true);
    Deliveries high = consume(consumers, q, "high", 10, true);
    Deliveries middle = consume(consumers, q, "middle", 5, true);
    Deliveries highToo = consume(consumers, q, "high-too", 10, true);

    publish(ch, q, "to-low");
    assertThat(low.nextTexts(1)).containsExactly("to-low");

    consumers.basicCancel("low");
    publish(ch, q, "to-high");
    assertThat(high.nextTexts(1)).containsExactly("to-high");

    consumers.basicCancel("high");
    publish(ch, q, "to-high-too");
    assertThat(highToo.nextTexts(1)).containsExactly("to-high-too");

    consumers.basicCancel("high-too");
    publish(ch, q, "to-middle");
    assertThat(middle.nextTexts(1)).containsExactly("to-middle");
  }

  @Test
  void shouldRefuseAnExclusiveConsumerEvenOnAQueueWithoutConsumers() throws Exception {
    Channel ch = openChannel();
    String q = sacQueue(ch);
    assertChannelError(ch, 403, "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use",
        () -> ch.basicConsume(q, true, "x", false, true, Map.of(), new Deliveries(ch)));
  }

  @Test
  void shouldRefuseASingleActiveConsumerArgumentThatIsNotABoolean() throws Exception {
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue 'sac-str'"
        + " in vhost '/': {unacceptable_type,longstr}",
        () -> ch.queueDeclare("sac-str", false, true, false, Map.of("x-single-active-consumer", "yes")));
  }
}

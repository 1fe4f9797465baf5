package io.warren.it;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Deliveries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Publisher confirms: confirm.select and the basic.ack/basic.nack the broker sends back. */
@Tag("confirm")
class ConfirmTest extends BrokerTestSupport {

  private static final byte[] BODY = "m".getBytes(StandardCharsets.UTF_8);

  /** Records confirms and returns in the order the client's connection thread saw them. */
  private static final class Events implements ConfirmListener {
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Every confirmed tag, once, in the order the acks covered them. */
    final List<Long> ackedTags = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void handleAck(long deliveryTag, boolean multiple) {
      log.add("ack " + deliveryTag + (multiple ? " multiple" : ""));
      for (long t = multiple ? 1 : deliveryTag; t <= deliveryTag; t++) {
        if (!ackedTags.contains(t)) {
          ackedTags.add(t);
        }
      }
    }

    @Override
    public void handleNack(long deliveryTag, boolean multiple) {
      log.add("nack " + deliveryTag);
    }
  }

  private static String exclusiveQueue(Channel ch) throws Exception {
    return ch.queueDeclare(uniqueName("confirm"), false, true, false, null).getQueue();
  }

  @Test
  void shouldAnswerConfirmSelectWithSelectOkAndStartCountingAtOne() throws Exception {
    Channel ch = openChannel();

    AMQP.Confirm.SelectOk ok = ch.confirmSelect();

    assertThat(ok).isNotNull();
    assertThat(ch.getNextPublishSeqNo()).isEqualTo(1);
  }

  @Test
  void shouldConfirmEveryPublishInOrderWithTagsFromOne() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Events events = new Events();
    ch.addConfirmListener(events);
    ch.confirmSelect();

    for (int i = 0; i < 200; i++) {
      ch.basicPublish("", q, null, BODY);
    }

    assertThat(ch.waitForConfirms(Deliveries.WAIT_MILLIS)).isTrue();
    assertThat(events.ackedTags)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
    assertThat(events.log).noneMatch(e -> e.startsWith("nack"));
    assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(200);
  }

  @Test
  void shouldReturnFromWaitForConfirmsOrDieOnceAllAreAcked() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    ch.confirmSelect();
    for (int i = 0; i < 10; i++) {
      ch.basicPublish("", q, null, BODY);
    }

    ch.waitForConfirmsOrDie(Deliveries.WAIT_MILLIS);

    assertThat(ch.getNextPublishSeqNo()).isEqualTo(11);
  }

  @Test
  void shouldNotCountPublishesMadeBeforeConfirmSelect() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Events events = new Events();
    ch.addConfirmListener(events);
    ch.basicPublish("", q, null, BODY);
    ch.basicPublish("", q, null, BODY);

    ch.confirmSelect();
    ch.basicPublish("", q, null, BODY);

    assertThat(ch.waitForConfirms(Deliveries.WAIT_MILLIS)).isTrue();
    assertThat(events.log).containsExactly("ack 1");
  }

  @Test
  void shouldAcceptConfirmSelectTwice() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Events events = new Events();
    ch.addConfirmListener(events);
    ch.confirmSelect();
    ch.basicPublish("", q, null, BODY);

    ch.confirmSelect();
    ch.basicPublish("", q, null, BODY);

    assertThat(ch.waitForConfirms(Deliveries.WAIT_MILLIS)).isTrue();
    assertThat(events.ackedTags).containsExactly(1L, 2L);
  }

  @Test
  void shouldAckAnUnroutableMessage() throws Exception {
    Channel ch = openChannel();
    Events events = new Events();
    ch.addConfirmListener(events);
    ch.confirmSelect();

    ch.basicPublish("amq.direct", uniqueName("nobody-bound"), null, BODY);

    assertThat(ch.waitForConfirms(Deliveries.WAIT_MILLIS)).isTrue();
    assertThat(events.log).containsExactly("ack 1");
  }

  @Test
  void shouldSendBasicReturnBeforeTheAckForAnUnroutableMandatoryMessage() throws Exception {
    Channel ch = openChannel();
    Events events = new Events();
    String key = uniqueName("nobody-bound");
    CountDownLatch acked = new CountDownLatch(1);
    ch.addReturnListener(
        r ->
            events.log.add(
                "return " + r.getReplyCode() + " " + r.getReplyText() + " " + r.getExchange()
                    + " " + r.getRoutingKey()));
    ch.addConfirmListener(
        (tag, multiple) -> {
          events.handleAck(tag, multiple);
          acked.countDown();
        },
        events::handleNack);
    ch.confirmSelect();

    ch.basicPublish("amq.direct", key, true, null, BODY);

    assertThat(acked.await(Deliveries.WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(events.log).containsExactly("return 312 NO_ROUTE amq.direct " + key, "ack 1");
  }

  /**
   * RabbitMQ acks an unroutable message as soon as it has been returned, without waiting for
   * earlier routed messages to be confirmed by their queues, so acks may arrive out of publish
   * order here; each tag is still confirmed exactly once and the return precedes its ack.
   */
  @Test
  void shouldConfirmRoutedAndUnroutedMandatoryMessagesEachExactlyOnce() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Events events = new Events();
    ch.addReturnListener(r -> events.log.add("return " + r.getRoutingKey()));
    ch.addConfirmListener(events);
    ch.confirmSelect();

    ch.basicPublish("", q, true, null, BODY);
    ch.basicPublish("", "no-such-queue-" + q, true, null, BODY);
    ch.basicPublish("", q, true, null, BODY);

    assertThat(ch.waitForConfirms(Deliveries.WAIT_MILLIS)).isTrue();
    assertThat(events.ackedTags).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(events.log).noneMatch(e -> e.startsWith("nack"));
    assertThat(events.log.indexOf("return no-such-queue-" + q))
        .isNotNegative()
        .isLessThan(indexOfAckCovering(events.log, 2));
    assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(2);
  }

  private static int indexOfAckCovering(List<String> log, long tag) {
    for (int i = 0; i < log.size(); i++) {
      String[] e = log.get(i).split(" ");
      if (e[0].equals("ack")) {
        long t = Long.parseLong(e[1]);
        if (t == tag || (t > tag && e.length == 3)) {
          return i;
        }
      }
    }
    return Integer.MAX_VALUE;
  }

  @Test
  void shouldCloseChannelWith406WhenSelectingConfirmsOnATransactionalChannel() throws Exception {
    Channel ch = openChannel();
    ch.txSelect();

    assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - cannot switch from tx to confirm mode",
        ch::confirmSelect);
  }

  @Test
  void shouldCloseChannelWith406WhenSelectingTransactionsOnAConfirmChannel() throws Exception {
    Channel ch = openChannel();
    ch.confirmSelect();

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - cannot switch from confirm to tx mode", ch::txSelect);
  }

  @Test
  void shouldCloseChannelWith404WhenPublishingToAMissingExchangeInConfirmMode() throws Exception {
    Channel ch = openChannel();
    ch.confirmSelect();
    String x = uniqueName("missing-x");

    assertChannelError(
        ch,
        404,
        "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.basicPublish(x, "rk", null, BODY));
    assertThatThrownBy(() -> ch.waitForConfirms(Duration.ofSeconds(1).toMillis()))
        .isInstanceOfAny(IOException.class, ShutdownSignalException.class);
  }
}

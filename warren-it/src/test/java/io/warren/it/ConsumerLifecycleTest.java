package io.warren.it;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Command;
import com.rabbitmq.client.Connection;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Cleanup;
import io.warren.it.support.Deliveries;
import io.warren.it.support.Deliveries.Received;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How consumers end: cancel, broker-sent cancel, and channels that die under them. */
@Tag("basic")
class ConsumerLifecycleTest extends BrokerTestSupport {

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void deleteQueues() throws Exception {
    cleanup.deleteAll(connectionFactory());
  }

  private static void publish(Channel ch, String queue, String... bodies) throws Exception {
    for (String b : bodies) {
      ch.basicPublish("", queue, null, b.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** QueueTest covers cancel and channel close; this is the last consumer's connection dying. */
  @Test
  void shouldDeleteAnAutoDeleteQueueWhenItsLastConsumersConnectionDies() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.trackQueue(uniqueName("auto-delete"));
    ch.queueDeclare(q, false, false, true, null);
    Connection doomed = connect();
    Channel consumerChannel = doomed.createChannel();
    consumerChannel.basicConsume(q, false, new Deliveries(consumerChannel));
    publish(ch, q, "held-by-the-consumer");

    doomed.abort();

    assertChannelError(
        ch,
        404,
        "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> awaitQueueGone(ch, q));
  }

  /** Polls passive declare until it fails, since the broker deletes the queue asynchronously. */
  private static void awaitQueueGone(Channel ch, String q) throws Exception {
    long deadline = System.nanoTime() + Deliveries.WAIT_MILLIS * 1_000_000;
    while (System.nanoTime() < deadline) {
      ch.queueDeclarePassive(q);
      Thread.sleep(20);
    }
  }

  @Test
  void shouldSendBasicCancelToEveryConsumerOfADeletedQueue() throws Exception {
    Channel ch1 = openChannel();
    Channel ch2 = openChannel();
    String q = cleanup.queue(ch1, uniqueName("deleted-under"));
    Deliveries a = new Deliveries(ch1);
    Deliveries b = new Deliveries(ch1);
    Deliveries c = new Deliveries(ch2);
    String tagA = ch1.basicConsume(q, false, a);
    String tagB = ch1.basicConsume(q, true, b);
    String tagC = ch2.basicConsume(q, false, c);

    openChannel().queueDelete(q);

    assertThat(a.awaitBrokerCancel()).isEqualTo(tagA);
    assertThat(b.awaitBrokerCancel()).isEqualTo(tagB);
    assertThat(c.awaitBrokerCancel()).isEqualTo(tagC);
    assertThat(ch1.isOpen() && ch2.isOpen()).isTrue();
  }

  @Test
  void shouldKeepUnackedDeliveriesAckableAfterTheQueueIsDeleted() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("ack-after-delete"));
    publish(ch, q, "m1");
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    Received held = consumer.next();

    openChannel().queueDelete(q);
    consumer.awaitBrokerCancel();
    ch.basicAck(held.deliveryTag(), false);

    // no unknown-delivery-tag error: a round trip after the ack succeeds on the same channel
    assertThat(ch.queueDeclarePassive("amq.rabbitmq.reply-to")).isNotNull();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldRequeueUnackedMessagesWhenTheConsumersChannelIsClosedByAnError() throws Exception {
    Connection conn = connect();
    Channel doomed = conn.createChannel();
    String q = cleanup.queue(doomed, uniqueName("error-close"));
    publish(doomed, q, "m1", "m2", "m3");
    Deliveries consumer = new Deliveries(doomed);
    doomed.basicConsume(q, false, consumer);
    consumer.next(3);

    assertChannelError(
        doomed,
        406,
        "PRECONDITION_FAILED - unknown delivery tag 99",
        () -> doomed.basicAck(99, false));

    Channel survivor = conn.createChannel();
    Deliveries next = new Deliveries(survivor);
    survivor.basicConsume(q, true, next);
    List<Received> again = next.next(3);
    assertThat(again).extracting(Received::text).containsExactly("m1", "m2", "m3");
    assertThat(again).allMatch(Received::redelivered);
  }

  @Test
  void shouldStopDeliveringToAConsumerWhoseChannelWasClosedByAnError() throws Exception {
    Connection conn = connect();
    Channel doomed = conn.createChannel();
    Channel other = conn.createChannel();
    String q = cleanup.queue(other, uniqueName("error-stop"));
    Deliveries dead = new Deliveries(doomed);
    doomed.basicConsume(q, true, dead);

    assertChannelError(
        doomed,
        404,
        "NOT_FOUND - no queue 'missing-" + q + "' in vhost '/'",
        () -> doomed.queueDeclarePassive("missing-" + q));
    publish(other, q, "m1");

    assertThat(other.queueDeclarePassive(q).getConsumerCount()).isZero();
    dead.expectNone(100);
    assertThat(other.basicGet(q, true)).isNotNull();
  }

  @Test
  void shouldAnswerCancelOfAnUnknownConsumerTagWithCancelOk() throws Exception {
    Channel ch = openChannel();

    // the Java client refuses to send this itself, so the method goes out raw
    Command reply = ch.rpc(new AMQP.Basic.Cancel.Builder().consumerTag("never-consumed").build());

    assertThat(reply.getMethod()).isInstanceOf(AMQP.Basic.CancelOk.class);
    assertThat(((AMQP.Basic.CancelOk) reply.getMethod()).getConsumerTag())
        .isEqualTo("never-consumed");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldKeepTheConsumerCountInStepWithConsumeAndCancel() throws Exception {
    Channel ch = openChannel();
    String q = ch.queueDeclare(uniqueName("count"), false, true, false, null).getQueue();

    String a = ch.basicConsume(q, true, new Deliveries(ch));
    String b = ch.basicConsume(q, true, new Deliveries(ch));
    assertThat(ch.queueDeclarePassive(q).getConsumerCount()).isEqualTo(2);
    ch.basicCancel(a);
    assertThat(ch.queueDeclarePassive(q).getConsumerCount()).isEqualTo(1);
    ch.basicCancel(b);

    assertThat(ch.queueDeclarePassive(q).getConsumerCount()).isZero();
  }
}

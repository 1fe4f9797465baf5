package io.warren.it;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static io.warren.it.support.CloseReasons.assertConnectionError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.SocketConfigurators;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Cleanup;
import io.warren.it.support.Deliveries;
import io.warren.it.support.Deliveries.Received;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** basic.ack, basic.nack, basic.reject, basic.recover and what happens to unacked messages. */
@Tag("basic")
class AckTest extends BrokerTestSupport {

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void deleteQueues() throws Exception {
    cleanup.deleteAll(connectionFactory());
  }

  private static String exclusiveQueue(Channel ch) throws Exception {
    return ch.queueDeclare(uniqueName("ack"), false, true, false, null).getQueue();
  }

  private static void publish(Channel ch, String queue, String... bodies) throws Exception {
    for (String b : bodies) {
      ch.basicPublish("", queue, null, b.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String text(GetResponse r) {
    return new String(r.getBody(), StandardCharsets.UTF_8);
  }

  /** Drains the queue with auto-ack basic.get, returning body and redelivered flag per message. */
  private static List<String> drain(Channel ch, String queue) throws Exception {
    List<String> out = new ArrayList<>();
    for (GetResponse r = ch.basicGet(queue, true); r != null; r = ch.basicGet(queue, true)) {
      out.add(text(r) + (r.getEnvelope().isRedeliver() ? "/redelivered" : ""));
    }
    return out;
  }

  private static int messageCount(Channel ch, String queue) throws Exception {
    return ch.queueDeclarePassive(queue).getMessageCount();
  }

  // ---- ack ----------------------------------------------------------------------------------

  @Test
  void shouldRemoveAnAckedMessageForGood() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("ack-one"));
    publish(ch, q, "a", "b");
    GetResponse a = ch.basicGet(q, false);

    ch.basicAck(a.getEnvelope().getDeliveryTag(), false);
    ch.close();

    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("b");
  }

  @Test
  void shouldAckEveryTagUpToAndIncludingTheGivenOneWhenMultiple() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("ack-multi"));
    publish(ch, q, "m1", "m2", "m3", "m4", "m5");
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    List<Received> got = consumer.next(5);

    ch.basicAck(got.get(2).deliveryTag(), true);
    ch.close();

    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("m4/redelivered", "m5/redelivered");
  }

  @Test
  void shouldAckAllOutstandingDeliveriesWhenMultipleWithTagZero() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("ack-zero"));
    publish(ch, q, "m1", "m2", "m3");
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    consumer.next(3);

    ch.basicAck(0, true);
    ch.close();

    Channel check = openChannel();
    assertThat(messageCount(check, q)).isZero();
  }

  @Test
  void shouldCloseChannelWith406WhenAckingAnUnknownDeliveryTag() throws Exception {
    Channel ch = openChannel();

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - unknown delivery tag 42", () -> ch.basicAck(42, false));
  }

  @Test
  void shouldCloseChannelWith406WhenAckingTheSameTagTwice() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "a");
    long tag = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
    ch.basicAck(tag, false);

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - unknown delivery tag 1", () -> ch.basicAck(tag, false));
  }

  @Test
  void shouldCloseChannelWith406WhenMultipleAckNamesAnUnknownTag() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "a");
    ch.basicGet(q, false);

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - unknown delivery tag 7", () -> ch.basicAck(7, true));
  }

  @Test
  void shouldTreatDeliveryTagsAsChannelScoped() throws Exception {
    Connection conn = connect();
    Channel getter = conn.createChannel();
    Channel other = conn.createChannel();
    String q = exclusiveQueue(getter);
    publish(getter, q, "a");
    long tag = getter.basicGet(q, false).getEnvelope().getDeliveryTag();

    assertChannelError(
        other,
        406,
        "PRECONDITION_FAILED - unknown delivery tag " + tag,
        () -> other.basicAck(tag, false));
    assertThat(getter.isOpen()).isTrue();
  }

  @Test
  void shouldCloseChannelWith406WhenAckingADeliveryToANoAckConsumer() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "a");
    long tag = ch.basicGet(q, true).getEnvelope().getDeliveryTag();

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - unknown delivery tag 1", () -> ch.basicAck(tag, false));
  }

  // ---- nack and reject ----------------------------------------------------------------------

  @Test
  void shouldPutNackedMessagesBackAtTheHeadInOriginalOrderWhenRequeued() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "m1", "m2", "m3", "m4", "m5");
    ch.basicGet(q, false);
    ch.basicGet(q, false);
    long third = ch.basicGet(q, false).getEnvelope().getDeliveryTag();

    ch.basicNack(third, true, true);

    assertThat(drain(ch, q))
        .containsExactly("m1/redelivered", "m2/redelivered", "m3/redelivered", "m4", "m5");
  }

  @Test
  void shouldRestoreOriginalOrderWhenMessagesAreRequeuedOutOfOrder() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "m1", "m2", "m3", "m4", "m5");
    long t1 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
    long t2 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
    long t3 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();

    ch.basicReject(t3, true);
    ch.basicNack(t1, false, true);
    ch.basicReject(t2, true);

    assertThat(drain(ch, q))
        .containsExactly("m1/redelivered", "m2/redelivered", "m3/redelivered", "m4", "m5");
  }

  @Test
  void shouldRequeueOnlyTheNamedTagWhenNackIsNotMultiple() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("nack-single"));
    publish(ch, q, "m1", "m2", "m3");
    ch.basicGet(q, false);
    long t2 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();

    ch.basicNack(t2, false, true);

    assertThat(drain(ch, q)).containsExactly("m2/redelivered", "m3");
    ch.close();
    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("m1/redelivered");
  }

  @Test
  void shouldDropNackedMessagesWhenNotRequeued() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("nack-drop"));
    publish(ch, q, "m1", "m2", "m3");
    ch.basicGet(q, false);
    long t2 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();

    ch.basicNack(t2, true, false);
    ch.close();

    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("m3");
  }

  @Test
  void shouldRedeliverARejectedMessageWhenRequeued() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    publish(ch, q, "again");
    Received first = consumer.next();

    ch.basicReject(first.deliveryTag(), true);

    Received second = consumer.next();
    assertThat(second.text()).isEqualTo("again");
    assertThat(second.redelivered()).isTrue();
    assertThat(first.redelivered()).isFalse();
    assertThat(second.deliveryTag()).isGreaterThan(first.deliveryTag());
  }

  @Test
  void shouldDropARejectedMessageWhenNotRequeued() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("reject-drop"));
    publish(ch, q, "gone");
    long tag = ch.basicGet(q, false).getEnvelope().getDeliveryTag();

    ch.basicReject(tag, false);
    ch.close();

    Channel check = openChannel();
    assertThat(messageCount(check, q)).isZero();
  }

  @Test
  void shouldCloseChannelWith406WhenNackingOrRejectingAnUnknownTag() throws Exception {
    Channel nacker = openChannel();
    assertChannelError(
        nacker,
        406,
        "PRECONDITION_FAILED - unknown delivery tag 3",
        () -> nacker.basicNack(3, false, true));

    Channel rejecter = openChannel();
    assertChannelError(
        rejecter,
        406,
        "PRECONDITION_FAILED - unknown delivery tag 4",
        () -> rejecter.basicReject(4, false));
  }

  // ---- recover ------------------------------------------------------------------------------

  @Test
  void shouldRedeliverAllUnackedMessagesOnRecoverWithRequeue() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    publish(ch, q, "m1", "m2", "m3");
    List<Received> first = consumer.next(3);
    ch.basicAck(first.get(1).deliveryTag(), false);

    AMQP.Basic.RecoverOk ok = ch.basicRecover(true);

    assertThat(ok).isNotNull();
    List<Received> again = consumer.next(2);
    assertThat(again).extracting(Received::text).containsExactly("m1", "m3");
    assertThat(again).allMatch(Received::redelivered);
    consumer.expectNone(200);
  }

  @Test
  void shouldCloseConnectionWith540OnRecoverWithoutRequeue() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "m1");
    ch.basicGet(q, false);

    assertConnectionError(
        ch, 540, "NOT_IMPLEMENTED - requeue=false", () -> ch.basicRecover(false));
  }

  @Test
  void shouldRedeliverOnRecoverAsyncWithoutARecoverOk() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    publish(ch, q, "m1");
    assertThat(consumer.next().redelivered()).isFalse();

    ch.asyncRpc(new AMQP.Basic.RecoverAsync.Builder().requeue(true).build());

    Received again = consumer.next();
    assertThat(again.text()).isEqualTo("m1");
    assertThat(again.redelivered()).isTrue();
  }

  @Test
  void shouldCloseConnectionWith540OnRecoverAsyncWithoutRequeue() throws Exception {
    Channel ch = openChannel();

    assertConnectionError(
        ch,
        540,
        "NOT_IMPLEMENTED - requeue=false",
        () -> ch.asyncRpc(new AMQP.Basic.RecoverAsync.Builder().requeue(false).build()));
  }

  // ---- unacked messages when the channel or connection goes away --------------------------

  @Test
  void shouldRequeueUnackedMessagesInOriginalOrderWhenChannelCloses() throws Exception {
    Connection conn = connect();
    Channel ch = conn.createChannel();
    String q = exclusiveQueue(ch);
    publish(ch, q, "m1", "m2", "m3", "m4");
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    List<Received> got = consumer.next(4);
    ch.basicAck(got.get(1).deliveryTag(), false);

    ch.close();

    Channel check = conn.createChannel();
    assertThat(drain(check, q))
        .containsExactly("m1/redelivered", "m3/redelivered", "m4/redelivered");
  }

  @Test
  void shouldRequeueUnackedMessagesWhenConnectionIsAborted() throws Exception {
    Channel setup = openChannel();
    String q = cleanup.queue(setup, uniqueName("abort"));
    publish(setup, q, "m1", "m2", "m3");
    Connection doomed = connect();
    Channel ch = doomed.createChannel();
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    consumer.next(3);

    doomed.abort();

    Deliveries survivor = new Deliveries(setup);
    setup.basicConsume(q, true, survivor);
    List<Received> again = survivor.next(3);
    assertThat(again).extracting(Received::text).containsExactly("m1", "m2", "m3");
    assertThat(again).allMatch(Received::redelivered);
  }

  @Test
  void shouldRequeueUnackedMessagesWhenTheSocketDiesWithoutAClose() throws Exception {
    Channel setup = openChannel();
    String q = cleanup.queue(setup, uniqueName("socket-dies"));
    publish(setup, q, "m1", "m2");
    AtomicReference<Socket> socket = new AtomicReference<>();
    ConnectionFactory cf = connectionFactory();
    cf.setSocketConfigurator(
        s -> {
          SocketConfigurators.defaultConfigurator().configure(s);
          socket.set(s);
        });
    Connection doomed = connect(cf);
    Channel ch = doomed.createChannel();
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, false, consumer);
    consumer.next(2);

    socket.get().close(); // no connection.close: the broker only sees the TCP connection end

    Deliveries survivor = new Deliveries(setup);
    setup.basicConsume(q, true, survivor);
    List<Received> again = survivor.next(2);
    assertThat(again).extracting(Received::text).containsExactly("m1", "m2");
    assertThat(again).allMatch(Received::redelivered);
  }

  @Test
  void shouldHandUnackedMessagesToTheOtherConsumerWhenAConsumersChannelCloses()
      throws Exception {
    Connection conn = connect();
    Channel holder = conn.createChannel();
    Channel other = conn.createChannel();
    String q = exclusiveQueue(holder);
    holder.basicQos(2);
    other.basicQos(2);
    Deliveries holding = new Deliveries(holder);
    Deliveries waiting = new Deliveries(other);
    holder.basicConsume(q, false, holding);
    other.basicConsume(q, false, waiting);
    publish(holder, q, "m1", "m2", "m3", "m4");
    assertThat(holding.nextTexts(2)).containsExactly("m1", "m3");
    List<Received> waited = waiting.next(2);
    assertThat(waited).extracting(Received::text).containsExactly("m2", "m4");
    other.basicAck(waited.get(1).deliveryTag(), true);

    holder.close();

    List<Received> handedOver = waiting.next(2);
    assertThat(handedOver).extracting(Received::text).containsExactly("m1", "m3");
    assertThat(handedOver).allMatch(Received::redelivered);
  }
}

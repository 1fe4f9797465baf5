package io.warren.it;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Deliveries;
import io.warren.it.support.Deliveries.Received;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Direct reply-to: an RPC client consumes from the pseudo-queue {@code amq.rabbitmq.reply-to}
 * without acks, and replies published to the name the broker wrote into reply_to come straight
 * back to it, with no queue in between.
 */
@Tag("direct-reply-to")
class DirectReplyToTest extends BrokerTestSupport {

  private static final String REPLY_TO = "amq.rabbitmq.reply-to";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static AMQP.BasicProperties replyTo(String name) {
    return new AMQP.BasicProperties.Builder().replyTo(name).correlationId("c-1").build();
  }

  /** Starts a server that answers each request on {@code queue} with "reply:" + request. */
  private Deliveries startResponder(String queue) throws Exception {
    Channel server = openChannel();
    server.queueDeclare(queue, false, true, false, null);
    Deliveries requests =
        new Deliveries(
            server,
            (ch, request) -> {
              AMQP.BasicProperties reply =
                  new AMQP.BasicProperties.Builder()
                      .correlationId(request.properties().getCorrelationId())
                      .build();
              String replyTo = request.properties().getReplyTo();
              ch.basicPublish("", replyTo, reply, utf8("reply:" + request.text()));
            });
    server.basicConsume(queue, true, requests);
    return requests;
  }

  @Test
  void shouldRouteTheReplyStraightBackToTheRequestingConsumer() throws Exception {
    String rpcQueue = uniqueName("rpc");
    Deliveries requests = startResponder(rpcQueue);
    Channel client = openChannel();
    Deliveries replies = new Deliveries(client);
    String tag = client.basicConsume(REPLY_TO, true, replies);

    client.basicPublish("", rpcQueue, replyTo(REPLY_TO), utf8("ping"));

    Received request = requests.next();
    String rewritten = request.properties().getReplyTo();
    assertThat(rewritten).startsWith(REPLY_TO + ".").isNotEqualTo(REPLY_TO + ".");
    Received reply = replies.next();
    assertThat(reply.text()).isEqualTo("reply:ping");
    assertThat(reply.properties().getCorrelationId()).isEqualTo("c-1");
    assertThat(reply.consumerTag()).isEqualTo(tag);
    assertThat(reply.envelope().getExchange()).isEmpty();
    assertThat(reply.envelope().getRoutingKey()).isEqualTo(rewritten);
    assertThat(reply.redelivered()).isFalse();
  }

  @Test
  void shouldRewriteReplyToTheSameNameForEveryRequestOfOneChannel() throws Exception {
    String rpcQueue = uniqueName("rpc-same");
    Deliveries requests = startResponder(rpcQueue);
    Channel client = openChannel();
    Deliveries replies = new Deliveries(client);
    client.basicConsume(REPLY_TO, true, replies);

    client.basicPublish("", rpcQueue, replyTo(REPLY_TO), utf8("one"));
    client.basicPublish("", rpcQueue, replyTo(REPLY_TO), utf8("two"));

    String first = requests.next().properties().getReplyTo();
    String second = requests.next().properties().getReplyTo();
    assertThat(second).isEqualTo(first);
    assertThat(replies.nextTexts(2)).containsExactly("reply:one", "reply:two");
  }

  @Test
  void shouldGiveEachChannelItsOwnReplyToName() throws Exception {
    String rpcQueue = uniqueName("rpc-two");
    Deliveries requests = startResponder(rpcQueue);
    Channel clientA = openChannel();
    Channel clientB = openChannel();
    Deliveries repliesA = new Deliveries(clientA);
    Deliveries repliesB = new Deliveries(clientB);
    clientA.basicConsume(REPLY_TO, true, repliesA);
    clientB.basicConsume(REPLY_TO, true, repliesB);

    clientA.basicPublish("", rpcQueue, replyTo(REPLY_TO), utf8("a"));
    String nameA = requests.next().properties().getReplyTo();
    clientB.basicPublish("", rpcQueue, replyTo(REPLY_TO), utf8("b"));
    String nameB = requests.next().properties().getReplyTo();

    assertThat(nameA).isNotEqualTo(nameB);
    assertThat(repliesA.next().text()).isEqualTo("reply:a");
    assertThat(repliesB.next().text()).isEqualTo("reply:b");
    repliesA.expectNone(200);
  }

  @Test
  void shouldAnswerPassiveDeclareOfThePseudoQueue() throws Exception {
    Channel ch = openChannel();

    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(REPLY_TO);

    assertThat(ok.getQueue()).isEqualTo(REPLY_TO);
    assertThat(ok.getMessageCount()).isZero();
    assertThat(ok.getConsumerCount()).isEqualTo(1); // RabbitMQ always reports one consumer
  }

  @Test
  void shouldCloseChannelWith406WhenConsumingWithAcks() throws Exception {
    Channel ch = openChannel();

    assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - reply consumer cannot acknowledge",
        () -> ch.basicConsume(REPLY_TO, false, new Deliveries(ch)));
  }

  @Test
  void shouldCloseChannelWith406WhenPublishingWithReplyToBeforeConsuming() throws Exception {
    Channel ch = openChannel();
    String q = ch.queueDeclare(uniqueName("rpc-early"), false, true, false, null).getQueue();

    assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - fast reply consumer does not exist",
        () -> {
          ch.basicPublish("", q, replyTo(REPLY_TO), utf8("too early"));
          ch.queueDeclarePassive(q); // a round trip, so the close arrives while we wait
        });
  }

  @Test
  void shouldCloseChannelWith406WhenPublishingWithReplyToAfterTheReplyConsumerCancelled()
      throws Exception {
    Channel ch = openChannel();
    String q = ch.queueDeclare(uniqueName("rpc-cancelled"), false, true, false, null).getQueue();
    String tag = ch.basicConsume(REPLY_TO, true, new Deliveries(ch));
    ch.basicCancel(tag);

    assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - fast reply consumer does not exist",
        () -> {
          ch.basicPublish("", q, replyTo(REPLY_TO), utf8("after cancel"));
          ch.queueDeclarePassive(q);
        });
  }

  @Test
  void shouldCloseChannelWith406WhenASecondReplyConsumerIsStartedOnTheChannel()
      throws Exception {
    Channel ch = openChannel();
    ch.basicConsume(REPLY_TO, true, new Deliveries(ch));

    assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - reply consumer already set",
        () -> ch.basicConsume(REPLY_TO, true, new Deliveries(ch)));
  }

  @Test
  void shouldCloseChannelWith404OnBasicGetFromThePseudoQueue() throws Exception {
    Channel ch = openChannel();

    assertChannelError(
        ch,
        404,
        "NOT_FOUND - no queue 'amq.rabbitmq.reply-to' in vhost '/'",
        () -> ch.basicGet(REPLY_TO, true));
  }

  @Test
  void shouldTreatAnUnknownReplyToNameAsUnroutable() throws Exception {
    Channel ch = openChannel();
    List<String> returns = new CopyOnWriteArrayList<>();
    ch.addReturnListener(
        r -> returns.add(r.getReplyCode() + " " + r.getReplyText() + " " + r.getRoutingKey()));

    ch.basicPublish("", REPLY_TO + ".garbled-name", true, null, utf8("returned"));
    ch.basicPublish("", REPLY_TO + ".", true, null, utf8("returned"));
    ch.basicPublish("", REPLY_TO + ".garbled-name", false, null, utf8("dropped"));
    ch.queueDeclarePassive(REPLY_TO); // a round trip: returns sent before it have arrived

    assertThat(returns)
        .containsExactly(
            "312 NO_ROUTE " + REPLY_TO + ".garbled-name", "312 NO_ROUTE " + REPLY_TO + ".");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldTreatAReplyToAClosedChannelAsUnroutable() throws Exception {
    String rpcQueue = uniqueName("rpc-gone");
    Channel server = openChannel();
    server.queueDeclare(rpcQueue, false, true, false, null);
    List<String> returns = new CopyOnWriteArrayList<>();
    server.addReturnListener(r -> returns.add(r.getReplyCode() + " " + r.getReplyText()));
    Channel client = openChannel();
    client.basicConsume(REPLY_TO, true, new Deliveries(client));
    client.basicPublish("", rpcQueue, replyTo(REPLY_TO), utf8("ping"));
    String rewritten = waitForRequest(server, rpcQueue).getProps().getReplyTo();
    client.close();

    server.basicPublish("", rewritten, true, null, utf8("nobody listens"));
    server.queueDeclarePassive(rpcQueue); // a round trip: a return sent before it has arrived

    assertThat(returns).containsExactly("312 NO_ROUTE");
    assertThat(server.isOpen()).isTrue();
  }

  private static GetResponse waitForRequest(Channel ch, String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Deliveries.WAIT_MILLIS);
    while (System.nanoTime() < deadline) {
      GetResponse r = ch.basicGet(queue, true);
      if (r != null) {
        return r;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no request arrived on " + queue);
  }
}

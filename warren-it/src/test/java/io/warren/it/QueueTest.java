package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.it.support.AmqpAssertions.AmqpAction;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.EntityTracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The queue class: declare, bind, unbind, purge, delete and the lifetimes of queues. */
@Tag("spec-queue")
class QueueTest extends BrokerTestSupport {

  private final EntityTracker tracker = new EntityTracker();
  private Connection connection;
  private Channel ch;

  @BeforeEach
  void open() throws IOException {
    connection = connect();
    ch = connection.createChannel();
  }

  @AfterEach
  void deleteEntities() throws Exception {
    tracker.deleteAll(connectionFactory());
  }

  @Test
  void shouldNameServerNamedQueuesAmqGenWith22Characters() throws Exception {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      AMQP.Queue.DeclareOk ok = ch.queueDeclare();
      assertThat(ok.getQueue()).matches("amq\\.gen-[A-Za-z0-9_-]{22}");
      names.add(ok.getQueue());
    }
    assertThat(names).as("all distinct").hasSize(5);
  }

  @Test
  void shouldDeclareServerNamedQueueAsExclusiveAutoDelete() throws Exception {
    String q = ch.queueDeclare().getQueue();
    Channel other = connect().createChannel();
    assertChannelError(other, 405, locked(q), () -> other.queueDeclarePassive(q));
    ch.basicCancel(ch.basicConsume(q, new DefaultConsumer(ch)));
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> ch.queueDeclarePassive(q));
  }

  @Test
  void shouldReportMessageAndConsumerCountsInDeclareOk() throws Exception {
    String q = declared(false, false, false, null);
    assertCounts(ch.queueDeclare(q, false, false, false, null), 0, 0);
    publishConfirmed(q, 3);
    assertCounts(ch.queueDeclare(q, false, false, false, null), 3, 0);
    Channel consumerChannel = connection.createChannel();
    consumerChannel.basicQos(1);
    CompletableFuture<Void> delivered = new CompletableFuture<>();
    consumerChannel.basicConsume(q, false, new DefaultConsumer(consumerChannel) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
          byte[] body) {
        delivered.complete(null);
      }
    });
    delivered.get(5, TimeUnit.SECONDS);
    // one message is out for delivery, unacked: it no longer counts as ready
    assertCounts(ch.queueDeclarePassive(q), 2, 1);
    consumerChannel.close();
    assertCounts(ch.queueDeclarePassive(q), 3, 0);
  }

  @Test
  void shouldAcceptIdenticalRedeclare() throws Exception {
    String q = declared(true, false, false, Map.of("x-max-length", 10));
    ch.queueDeclare(q, true, false, false, Map.of("x-max-length", 10));
    ch.queueDeclarePassive(q);
  }

  @Test
  void shouldRefuseRedeclareWithDifferentDurable() throws Exception {
    String q = declared(false, false, false, null);
    assertRedeclareRefused(q, 406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '"
        + q + "' in vhost '/': received 'true' but current is 'false'",
        () -> ch.queueDeclare(q, true, false, false, null));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentAutoDelete() throws Exception {
    String q = declared(false, false, false, null);
    assertRedeclareRefused(q, 406, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for "
        + "queue '" + q + "' in vhost '/': received 'true' but current is 'false'",
        () -> ch.queueDeclare(q, false, false, true, null));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentExclusiveAs405() throws Exception {
    String q = declared(false, false, false, null);
    assertRedeclareRefused(q, 405, locked(q), () -> ch.queueDeclare(q, false, true, false, null));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentArguments() throws Exception {
    String q = declared(false, false, false, null);
    assertRedeclareRefused(q, 406, "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for "
        + "queue '" + q + "' in vhost '/': received the value '10' of type 'signedint' but "
        + "current is none",
        () -> ch.queueDeclare(q, false, false, false, Map.of("x-max-length", 10)));
  }

  @Test
  void shouldIgnoreUnknownArgumentsWhenComparingARedeclare() throws Exception {
    String q = declared(false, false, false, null);
    ch.queueDeclare(q, false, false, false, Map.of("x-unknown-to-anyone", 10));
    ch.queueDeclarePassive(q);
  }

  @Test
  void shouldAnswerPassiveDeclareOfMissingQueueWith404() {
    String q = uniqueName("missing-q");
    AMQP.Channel.Close close = assertChannelError(ch, 404,
        "NOT_FOUND - no queue '" + q + "' in vhost '/'", () -> ch.queueDeclarePassive(q));
    assertThat(close.getClassId()).isEqualTo(50);
    assertThat(close.getMethodId()).isEqualTo(10);
  }

  @Test
  void shouldRefuseQueueNameWithAmqPrefix() {
    String q = "amq." + uniqueName("q");
    assertChannelError(ch, 403,
        "ACCESS_REFUSED - queue name '" + q + "' contains reserved prefix 'amq.*'",
        () -> ch.queueDeclare(q, false, false, false, null));
  }

  @Test
  void shouldRefuseAmqGenNameChosenByTheClient() {
    String q = "amq.gen-" + uniqueName("q");
    assertChannelError(ch, 403,
        "ACCESS_REFUSED - queue name '" + q + "' contains reserved prefix 'amq.*'",
        () -> ch.queueDeclare(q, false, false, false, null));
  }

  @Test
  void shouldAnswerPassiveDeclareOfMissingAmqNameWith404() {
    String q = "amq." + uniqueName("q");
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> ch.queueDeclarePassive(q));
  }

  /** RabbitMQ's validation of the queue arguments it knows; the text ends with its reason. */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "x-max-length            | -1    | {value_negative,-1}",
      "x-max-length            | 'ten' | \"expected integer, got longstr\"",
      "x-max-length-bytes      | -1    | {value_negative,-1}",
      "x-message-ttl           | -1    | {value_negative,-1}",
      "x-expires               | 0     | {value_zero,0}",
      "x-max-priority          | 300   | {max_value_exceeded,300}",
      "x-overflow              | 'nope' | invalid_overflow",
      "x-dead-letter-routing-key | 'k' | routing_key_but_no_dlx_defined",
  })
  void shouldRefuseInvalidQueueArgument(String arg, String value, String reason) {
    String q = uniqueName("q-bad-arg");
    Object typed = value.matches("-?\\d+") ? (Object) Integer.valueOf(value) : value;
    AMQP.Channel.Close close = assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg '"
        + arg + "' for queue '" + q + "' in vhost '/': " + reason,
        () -> ch.queueDeclare(q, false, false, false, Map.of(arg, typed)));
    assertThat(close.getMethodId()).isEqualTo(10);
  }

  @Test
  void shouldAcceptUnknownXArguments() throws Exception {
    String q = declared(false, false, false, Map.of("x-made-up", "value", "plain", 1));
    ch.queueDeclarePassive(q);
  }

  @Test
  void shouldRefuseExclusiveQueueToOtherConnections() throws Exception {
    String q = ch.queueDeclare(uniqueName("exclusive"), false, true, false, null).getQueue();
    Connection other = connect();
    String text = locked(q);
    assertLockedFor(other, q, text, c -> c.queueDeclare(q, false, true, false, null), 50, 10);
    assertLockedFor(other, q, text, c -> c.queueDeclarePassive(q), 50, 10);
    assertLockedFor(other, q, text, c -> c.basicConsume(q, new DefaultConsumer(c)), 60, 20);
    assertLockedFor(other, q, text, c -> c.basicGet(q, true), 60, 70);
    assertLockedFor(other, q, text, c -> c.queuePurge(q), 50, 30);
    assertLockedFor(other, q, text, c -> c.queueDelete(q), 50, 40);
    assertLockedFor(other, q, text, c -> c.queueBind(q, "amq.direct", q), 50, 20);
  }

  @Test
  void shouldLockAnotherConnectionsExclusiveQueueForUnbindOfAnExistingBinding() throws Exception {
    String q = ch.queueDeclare(uniqueName("exclusive"), false, true, false, null).getQueue();
    ch.queueBind(q, "amq.direct", q);
    Connection other = connect();
    Channel unbinder = other.createChannel();
    unbinder.queueUnbind(q, "amq.direct", uniqueName("never-bound")); // nothing to remove: allowed
    assertThat(unbinder.isOpen()).isTrue();
    assertLockedFor(other, q, locked(q), c -> c.queueUnbind(q, "amq.direct", q), 50, 50);
    publishConfirmed("amq.direct", q, "still bound");
    assertThat(drain(ch, q)).containsExactly("still bound");
  }

  @Test
  void shouldCutReplyTextsLongerThan255BytesAsRabbitMqDoes() throws Exception {
    // the 405 text quotes the queue name; with a long name it no longer fits a shortstr
    String q = ch.queueDeclare(uniqueName("exclusive-" + "n".repeat(120)), false, true, false, null)
        .getQueue();
    Channel other = connect().createChannel();
    AMQP.Channel.Close close = assertChannelError(other, 405, locked(q).substring(0, 252) + "...",
        () -> other.queueDeclarePassive(q));
    assertThat(close.getReplyText().getBytes(StandardCharsets.UTF_8)).hasSize(255);
  }

  @Test
  void shouldLetOtherConnectionsPublishToAnExclusiveQueue() throws Exception {
    String q = ch.queueDeclare(uniqueName("exclusive"), false, true, false, null).getQueue();
    Channel other = connect().createChannel();
    other.confirmSelect();
    other.basicPublish("", q, null, "hello".getBytes(StandardCharsets.UTF_8));
    other.waitForConfirmsOrDie(5_000);
    assertThat(drain(ch, q)).containsExactly("hello");
  }

  @Test
  void shouldKeepExclusiveQueueWhenItsChannelCloses() throws Exception {
    Channel declaring = connection.createChannel();
    String q = declaring.queueDeclare(uniqueName("exclusive"), false, true, false, null)
        .getQueue();
    declaring.close();
    ch.queueDeclarePassive(q); // exclusive to the connection, not the channel
  }

  @Test
  void shouldDeleteExclusiveQueueWhenItsConnectionCloses() throws Exception {
    Connection owner = connect();
    String q = owner.createChannel().queueDeclare(uniqueName("exclusive"), false, true, false,
        null).getQueue();
    owner.close();
    assertQueueGoesAway(q);
  }

  @Test
  void shouldKeepAutoDeleteQueueThatNeverHadAConsumer() throws Exception {
    String q = declared(false, false, true, null);
    ch.basicGet(q, true); // basic.get is not a consumer
    publishConfirmed(q, 1);
    ch.queueDeclarePassive(q);
  }

  @Test
  void shouldDeleteAutoDeleteQueueWhenItsLastConsumerCancels() throws Exception {
    String q = declared(false, false, true, null);
    String first = ch.basicConsume(q, new DefaultConsumer(ch));
    String second = ch.basicConsume(q, new DefaultConsumer(ch));
    ch.basicCancel(first);
    ch.queueDeclarePassive(q);
    ch.basicCancel(second);
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> ch.queueDeclarePassive(q));
  }

  @Test
  void shouldDeleteAutoDeleteQueueWhenItsConsumersChannelCloses() throws Exception {
    String q = declared(false, false, true, null);
    Channel consumerChannel = connection.createChannel();
    consumerChannel.basicConsume(q, new DefaultConsumer(consumerChannel));
    consumerChannel.close();
    assertQueueGoesAway(q);
  }

  @Test
  void shouldRouteOnlyWhileBound() throws Exception {
    String q = declared(false, false, false, null);
    ch.queueBind(q, "amq.direct", q);
    publishConfirmed("amq.direct", q, "bound");
    ch.queueBind(q, "amq.direct", q); // binding twice is one binding
    publishConfirmed("amq.direct", q, "still one binding");
    ch.queueUnbind(q, "amq.direct", q);
    publishConfirmed("amq.direct", q, "unbound");
    assertThat(drain(ch, q)).containsExactly("bound", "still one binding");
  }

  @Test
  void shouldTreatUnbindOfMissingBindingQueueOrExchangeAsSuccess() throws Exception {
    String q = declared(false, false, false, null);
    ch.queueUnbind(q, "amq.direct", uniqueName("never-bound"));
    ch.queueUnbind(uniqueName("missing-q"), "amq.direct", "key");
    ch.queueUnbind(q, uniqueName("missing-x"), "key");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldAnswerBindOfMissingQueueWith404() {
    String q = uniqueName("missing-q");
    AMQP.Channel.Close close = assertChannelError(ch, 404,
        "NOT_FOUND - no queue '" + q + "' in vhost '/'", () -> ch.queueBind(q, "amq.direct", "k"));
    assertThat(close.getClassId()).isEqualTo(50);
    assertThat(close.getMethodId()).isEqualTo(20);
  }

  @Test
  void shouldAnswerBindToMissingExchangeWith404() throws Exception {
    String q = declared(false, false, false, null);
    String x = uniqueName("missing-x");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.queueBind(q, x, "k"));
  }

  @Test
  void shouldReportTheMissingExchangeFirstWhenBothAreMissing() {
    String x = uniqueName("missing-x");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.queueBind(uniqueName("missing-q"), x, "k"));
  }

  @Test
  void shouldUseTheChannelsLastDeclaredQueueForAnEmptyName() throws Exception {
    String q = ch.queueDeclare().getQueue();
    ch.queueBind("", "amq.direct", q);
    publishConfirmed("amq.direct", q, "via empty name");
    assertThat(drain(ch, q)).containsExactly("via empty name");
  }

  @Test
  void shouldUseTheLastDeclaredQueuesNameAsKeyWhenQueueAndKeyAreEmpty() throws Exception {
    String q = declared(false, false, false, null);
    ch.queueBind("", "amq.direct", "");
    publishConfirmed("amq.direct", "", "empty key");
    publishConfirmed("amq.direct", q, "queue name as key");
    assertThat(drain(ch, q)).containsExactly("queue name as key");
    ch.queueUnbind("", "amq.direct", "");
    publishConfirmed("amq.direct", q, "after unbind");
    assertThat(drain(ch, q)).isEmpty();
  }

  @Test
  void shouldStripCrAndLfFromQueueNamesInDeclareBindUnbindAndDelete() throws Exception {
    String q = tracker.queue(uniqueName("q"));
    String withNewlines = q.substring(0, 2) + "\n" + q.substring(2) + "\r\n";
    assertThat(ch.queueDeclare(withNewlines, false, false, false, null).getQueue()).isEqualTo(q);
    ch.queueDeclarePassive("\r" + q);
    ch.queueBind(q + "\n", "amq.\ndirect", "k");
    publishConfirmed("amq.direct", "k", "bound");
    assertThat(drain(ch, q)).containsExactly("bound");
    ch.queueUnbind("\n" + q, "amq.direct\r", "k");
    publishConfirmed("amq.direct", "k", "unbound");
    assertThat(drain(ch, q)).isEmpty();
    ch.queueDelete(q + "\r\n");
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> ch.queueDeclarePassive(q));
  }

  @Test
  void shouldAnswerEmptyQueueNameWithoutPreviousDeclareWith404() {
    assertChannelError(ch, 404, "NOT_FOUND - no previously declared queue",
        () -> ch.queueBind("", "amq.direct", "k"));
  }

  @Test
  void shouldReturnPurgedMessageCount() throws Exception {
    String q = declared(false, false, false, null);
    publishConfirmed(q, 3);
    assertThat(ch.queuePurge(q).getMessageCount()).isEqualTo(3);
    assertThat(ch.queuePurge(q).getMessageCount()).isZero();
    assertThat(ch.basicGet(q, true)).isNull();
  }

  @Test
  void shouldAnswerPurgeOfMissingQueueWith404() {
    String q = uniqueName("missing-q");
    AMQP.Channel.Close close = assertChannelError(ch, 404,
        "NOT_FOUND - no queue '" + q + "' in vhost '/'", () -> ch.queuePurge(q));
    assertThat(close.getMethodId()).isEqualTo(30);
  }

  @Test
  void shouldReturnMessageCountOfDeletedQueue() throws Exception {
    String q = declared(false, false, false, null);
    publishConfirmed(q, 2);
    assertThat(ch.queueDelete(q).getMessageCount()).isEqualTo(2);
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> ch.queueDeclarePassive(q));
  }

  @Test
  void shouldTreatDeleteOfMissingQueueAsSuccessWithZeroMessages() throws Exception {
    assertThat(ch.queueDelete(uniqueName("missing-q")).getMessageCount()).isZero();
    assertThat(ch.queueDelete(uniqueName("missing-q"), true, true).getMessageCount()).isZero();
  }

  @Test
  void shouldRefuseIfUnusedDeleteOfQueueWithConsumer() throws Exception {
    String q = declared(false, false, false, null);
    Channel consumerChannel = connection.createChannel();
    consumerChannel.basicConsume(q, new DefaultConsumer(consumerChannel));
    AMQP.Channel.Close close = assertChannelError(ch, 406,
        "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' in use",
        () -> ch.queueDelete(q, true, false));
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @Test
  void shouldRefuseIfEmptyDeleteOfQueueWithMessages() throws Exception {
    String q = declared(false, false, false, null);
    publishConfirmed(q, 1);
    assertChannelError(ch, 406, "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' not empty",
        () -> ch.queueDelete(q, false, true));
  }

  @Test
  void shouldDeleteIfUnusedAndIfEmptyWhenBothHold() throws Exception {
    String q = declared(false, false, false, null);
    assertThat(ch.queueDelete(q, true, true).getMessageCount()).isZero();
  }

  @Test
  void shouldCancelConsumersOfADeletedQueue() throws Exception {
    String q = declared(false, false, false, null);
    Channel consumerChannel = connection.createChannel();
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    String tag = consumerChannel.basicConsume(q, new DefaultConsumer(consumerChannel) {
      @Override
      public void handleCancel(String consumerTag) {
        cancelled.complete(consumerTag);
      }
    });
    ch.queueDelete(q);
    assertThat(cancelled.get(5, TimeUnit.SECONDS)).isEqualTo(tag);
    assertThat(consumerChannel.isOpen()).as("cancel does not close the channel").isTrue();
    assertRoundTrip(consumerChannel);
  }

  private String declared(boolean durable, boolean exclusive, boolean autoDelete,
      Map<String, Object> args) throws IOException {
    String q = tracker.queue(uniqueName("q"));
    ch.queueDeclare(q, durable, exclusive, autoDelete, args);
    return q;
  }

  /**
   * Waits for a queue to disappear after its connection or its consumer's channel closed: the
   * close-ok may reach the client before the broker has finished the clean-up it triggers.
   */
  private void assertQueueGoesAway(String q) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      Channel probe = connection.createChannel();
      try {
        probe.queueDeclarePassive(q);
        probe.close();
      } catch (IOException gone) {
        AMQP.Channel.Close close = (AMQP.Channel.Close) probe.getCloseReason().getReason();
        assertThat(close.getReplyCode()).isEqualTo(404);
        assertThat(close.getReplyText()).isEqualTo("NOT_FOUND - no queue '" + q + "' in vhost '/'");
        return;
      }
      assertThat(System.nanoTime()).as("queue %s still there after 5 s", q).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static String locked(String q) {
    return "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + q
        + "' in vhost '/'. It could be originally declared on another connection or the "
        + "exclusive property value does not match that of the original declaration.";
  }

  private void assertRedeclareRefused(String q, int code, String text, AmqpAction redeclare)
      throws Exception {
    AMQP.Channel.Close close = assertChannelError(ch, code, text, redeclare);
    assertThat(close.getClassId()).isEqualTo(50);
    assertThat(close.getMethodId()).isEqualTo(10);
    connection.createChannel().queueDeclarePassive(q); // the original is untouched
  }

  private static void assertLockedFor(Connection other, String q, String text,
      ChannelAction action, int classId, int methodId) throws Exception {
    Channel c = other.createChannel();
    AMQP.Channel.Close close = assertChannelError(c, 405, text, () -> action.run(c));
    assertThat(close.getClassId()).as("class of %s", text).isEqualTo(classId);
    assertThat(close.getMethodId()).isEqualTo(methodId);
  }

  private static void assertCounts(AMQP.Queue.DeclareOk ok, int messages, int consumers) {
    assertThat(ok.getMessageCount()).as("message count").isEqualTo(messages);
    assertThat(ok.getConsumerCount()).as("consumer count").isEqualTo(consumers);
  }

  private void publishConfirmed(String queue, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      publishConfirmed("", queue, "m" + i);
    }
  }

  private void publishConfirmed(String exchange, String key, String body) throws Exception {
    Channel publisher = connection.createChannel();
    publisher.confirmSelect();
    publisher.basicPublish(exchange, key, null, body.getBytes(StandardCharsets.UTF_8));
    publisher.waitForConfirmsOrDie(5_000);
    publisher.close();
  }

  @FunctionalInterface
  private interface ChannelAction {
    void run(Channel c) throws Exception;
  }
}

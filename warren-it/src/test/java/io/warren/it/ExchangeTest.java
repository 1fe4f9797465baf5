package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static io.warren.it.support.AmqpAssertions.assertConnectionError;
import static io.warren.it.support.AmqpAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.support.AmqpAssertions.AmqpAction;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.EntityTracker;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The exchange class: declare, delete, bind, the default and amq.* exchanges, e2e bindings. */
@Tag("spec-exchange")
class ExchangeTest extends BrokerTestSupport {

  private static final String DEFAULT_EXCHANGE_REFUSED =
      "ACCESS_REFUSED - operation not permitted on the default exchange";

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

  @ParameterizedTest
  @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
  void shouldDeclareAndDeleteEachBuiltInType(String type) throws Exception {
    String x = tracker.exchange(uniqueName("x-" + type));
    ch.exchangeDeclare(x, type);
    ch.exchangeDeclarePassive(x);
    ch.exchangeDeclare(x, type); // an identical redeclare is fine
    ch.exchangeDelete(x);
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @ParameterizedTest
  @CsvSource({"amq.direct, direct", "amq.fanout, fanout", "amq.topic, topic",
      "amq.headers, headers", "amq.match, headers"})
  void shouldPredeclareAmqExchanges(String name, String type) throws Exception {
    ch.exchangeDeclarePassive(name);
    ch.exchangeDeclare(name, type, true); // redeclaring with the same properties is allowed
  }

  @Test
  void shouldRefuseToDeclareTheDefaultExchange() {
    AMQP.Channel.Close close = assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED,
        () -> ch.exchangeDeclare("", "direct"));
    assertThat(close.getClassId()).isEqualTo(40);
    assertThat(close.getMethodId()).isEqualTo(10);
  }

  @Test
  void shouldRefuseEvenPassiveDeclareOfTheDefaultExchange() {
    assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED, () -> ch.exchangeDeclarePassive(""));
  }

  @Test
  void shouldRefuseToDeleteTheDefaultExchange() {
    AMQP.Channel.Close close = assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED,
        () -> ch.exchangeDelete(""));
    assertThat(close.getMethodId()).isEqualTo(20);
  }

  @Test
  void shouldRefuseToBindAQueueToTheDefaultExchange() throws Exception {
    String q = ch.queueDeclare().getQueue();
    AMQP.Channel.Close close = assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED,
        () -> ch.queueBind(q, "", "key"));
    assertThat(close.getClassId()).isEqualTo(50);
    assertThat(close.getMethodId()).isEqualTo(20);
  }

  @Test
  void shouldRefuseToUnbindAQueueFromTheDefaultExchange() throws Exception {
    String q = ch.queueDeclare().getQueue();
    assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED, () -> ch.queueUnbind(q, "", q));
  }

  @Test
  void shouldRefuseTheDefaultExchangeAsBindingDestination() {
    assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED,
        () -> ch.exchangeBind("", "amq.direct", "key"));
  }

  @Test
  void shouldRefuseTheDefaultExchangeAsBindingSource() {
    assertChannelError(ch, 403, DEFAULT_EXCHANGE_REFUSED,
        () -> ch.exchangeBind("amq.direct", "", "key"));
  }

  @Test
  void shouldRefuseToDeclareExchangeWithAmqPrefix() {
    String x = "amq." + uniqueName("x");
    assertChannelError(ch, 403,
        "ACCESS_REFUSED - exchange name '" + x + "' contains reserved prefix 'amq.*'",
        () -> ch.exchangeDeclare(x, "direct"));
  }

  @Test
  void shouldAnswerPassiveDeclareOfMissingAmqNameWith404() {
    String x = "amq." + uniqueName("x");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @Test
  void shouldRefuseToDeletePredeclaredExchange() throws Exception {
    assertChannelError(ch, 403,
        "ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '/' not allowed",
        () -> ch.exchangeDelete("amq.direct"));
    connection.createChannel().exchangeDeclarePassive("amq.direct");
  }

  @Test
  void shouldRefuseRedeclareWithDifferentType() throws Exception {
    String x = declared("direct");
    assertRedeclareRefused(x, "inequivalent arg 'type' for exchange '" + x
        + "' in vhost '/': received 'fanout' but current is 'direct'",
        () -> ch.exchangeDeclare(x, "fanout"));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentDurable() throws Exception {
    String x = declared("direct");
    assertRedeclareRefused(x, "inequivalent arg 'durable' for exchange '" + x
        + "' in vhost '/': received 'true' but current is 'false'",
        () -> ch.exchangeDeclare(x, "direct", true));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentAutoDelete() throws Exception {
    String x = declared("direct");
    assertRedeclareRefused(x, "inequivalent arg 'auto_delete' for exchange '" + x
        + "' in vhost '/': received 'true' but current is 'false'",
        () -> ch.exchangeDeclare(x, "direct", false, true, null));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentInternal() throws Exception {
    String x = declared("direct");
    assertRedeclareRefused(x, "inequivalent arg 'internal' for exchange '" + x
        + "' in vhost '/': received 'true' but current is 'false'",
        () -> ch.exchangeDeclare(x, "direct", false, false, true, null));
  }

  @Test
  void shouldRefuseRedeclareWithDifferentAlternateExchange() throws Exception {
    String x = declared("direct");
    assertRedeclareRefused(x, "inequivalent arg 'alternate-exchange' for exchange '" + x
        + "' in vhost '/': received the value 'amq.fanout' of type 'longstr' but current is none",
        () -> ch.exchangeDeclare(x, "direct", false, false,
            Map.of("alternate-exchange", "amq.fanout")));
  }

  @Test
  void shouldIgnoreUnknownArgumentsWhenComparingARedeclare() throws Exception {
    String x = declared("direct");
    ch.exchangeDeclare(x, "direct", false, false, Map.of("x-unknown-to-anyone", "value"));
    ch.exchangeDeclarePassive(x);
  }

  @Test
  void shouldAnswerPassiveDeclareOfMissingExchangeWith404() {
    String x = uniqueName("missing-x");
    AMQP.Channel.Close close = assertChannelError(ch, 404,
        "NOT_FOUND - no exchange '" + x + "' in vhost '/'", () -> ch.exchangeDeclarePassive(x));
    assertThat(close.getClassId()).isEqualTo(40);
    assertThat(close.getMethodId()).isEqualTo(10);
  }

  @Test
  void shouldRefuseIfUnusedDeleteOfExchangeWithBindings() throws Exception {
    String x = declared("direct");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, x, "key");
    AMQP.Channel.Close close = assertChannelError(ch, 406,
        "PRECONDITION_FAILED - exchange '" + x + "' in vhost '/' in use",
        () -> ch.exchangeDelete(x, true));
    assertThat(close.getMethodId()).isEqualTo(20);
    connection.createChannel().exchangeDeclarePassive(x);
  }

  @Test
  void shouldDeleteIfUnusedExchangeWithoutBindings() throws Exception {
    String x = declared("direct");
    ch.exchangeDelete(x, true);
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @Test
  void shouldCountOnlyOutgoingBindingsForIfUnused() throws Exception {
    String x = declared("fanout");
    ch.exchangeBind(x, "amq.direct", x); // x is only the destination of this binding
    ch.exchangeDelete(x, true);
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @Test
  void shouldTreatDeleteOfMissingExchangeAsSuccess() throws Exception {
    ch.exchangeDelete(uniqueName("missing-x"));
    ch.exchangeDelete(uniqueName("missing-x"), true);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldRemoveBindingsWithTheExchange() throws Exception {
    String x = declared("direct");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, x, "key");
    ch.exchangeDelete(x);
    ch.exchangeDeclare(x, "direct");
    publishConfirmed(x, "key", "after re-declare");
    assertThat(drain(ch, q)).isEmpty();
  }

  @Test
  void shouldRefusePublishToInternalExchange() throws Exception {
    String x = tracker.exchange(uniqueName("internal"));
    ch.exchangeDeclare(x, "direct", false, false, true, null);
    AMQP.Channel.Close close = assertChannelError(ch, 403,
        "ACCESS_REFUSED - cannot publish to internal exchange '" + x + "' in vhost '/'",
        () -> ch.basicPublish(x, "key", null, new byte[] {1}));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @Test
  void shouldRouteThroughInternalExchangeReachedByBinding() throws Exception {
    String front = declared("fanout");
    String internal = tracker.exchange(uniqueName("internal"));
    ch.exchangeDeclare(internal, "fanout", false, false, true, null);
    ch.exchangeBind(internal, front, "");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, internal, "");
    publishConfirmed(front, "any", "via internal");
    assertThat(drain(ch, q)).containsExactly("via internal");
  }

  @Test
  void shouldKeepAutoDeleteExchangeUntilItsLastBindingGoes() throws Exception {
    String x = tracker.exchange(uniqueName("auto-delete"));
    ch.exchangeDeclare(x, "direct", false, true, null);
    ch.exchangeDeclarePassive(x); // never bound yet: still there
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, x, "a");
    ch.queueBind(q, x, "b");
    ch.queueUnbind(q, x, "a");
    ch.exchangeDeclarePassive(x);
    ch.queueUnbind(q, x, "b");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @Test
  void shouldDeleteAutoDeleteExchangeWhenItsOnlyBoundQueueIsDeleted() throws Exception {
    String x = tracker.exchange(uniqueName("auto-delete"));
    ch.exchangeDeclare(x, "direct", false, true, null);
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, x, "a");
    ch.queueDelete(q);
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @Test
  void shouldDeleteAutoDeleteExchangeWhenItsLastExchangeBindingGoes() throws Exception {
    String x = tracker.exchange(uniqueName("auto-delete"));
    ch.exchangeDeclare(x, "direct", false, true, null);
    String dest = declared("fanout");
    ch.exchangeBind(dest, x, "a");
    ch.exchangeUnbind(dest, x, "a");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(x));
  }

  @Test
  void shouldKeepAutoDeleteExchangeThatWasOnlyABindingDestination() throws Exception {
    String x = tracker.exchange(uniqueName("auto-delete"));
    ch.exchangeDeclare(x, "fanout", false, true, null);
    ch.exchangeBind(x, "amq.direct", x);
    ch.exchangeUnbind(x, "amq.direct", x);
    ch.exchangeDeclarePassive(x);
  }

  @Test
  void shouldRouteThroughAChainOfExchangeBindings() throws Exception {
    String first = declared("topic");
    String second = declared("direct");
    String third = declared("fanout");
    ch.exchangeBind(second, first, "orders.#");
    ch.exchangeBind(third, second, "orders.eu");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, third, "");
    publishConfirmed(first, "orders.eu", "routed");
    publishConfirmed(first, "orders.us", "stopped at second");
    publishConfirmed(first, "invoices.eu", "stopped at first");
    assertThat(drain(ch, q)).containsExactly("routed");
  }

  @Test
  void shouldDeliverOnceThroughALoopOfExchangeBindings() throws Exception {
    String a = declared("fanout");
    String b = declared("fanout");
    ch.exchangeBind(b, a, "");
    ch.exchangeBind(a, b, "");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, a, "");
    ch.queueBind(q, b, "");
    publishConfirmed(a, "", "once");
    assertThat(drain(ch, q)).containsExactly("once");
  }

  @Test
  void shouldDeliverOnceThroughADiamondOfExchangeBindings() throws Exception {
    String top = declared("fanout");
    String left = declared("fanout");
    String right = declared("fanout");
    ch.exchangeBind(left, top, "");
    ch.exchangeBind(right, top, "");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, left, "");
    ch.queueBind(q, right, "");
    publishConfirmed(top, "", "once");
    assertThat(drain(ch, q)).containsExactly("once");
  }

  @Test
  void shouldStopRoutingWhenExchangeBindingIsRemoved() throws Exception {
    String source = declared("fanout");
    String dest = declared("fanout");
    ch.exchangeBind(dest, source, "");
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, dest, "");
    ch.exchangeUnbind(dest, source, "");
    publishConfirmed(source, "", "nowhere");
    assertThat(drain(ch, q)).isEmpty();
  }

  @Test
  void shouldAnswerExchangeBindToMissingDestinationWith404() {
    String missing = uniqueName("missing-x");
    AMQP.Channel.Close close = assertChannelError(ch, 404,
        "NOT_FOUND - no exchange '" + missing + "' in vhost '/'",
        () -> ch.exchangeBind(missing, "amq.direct", "key"));
    assertThat(close.getClassId()).isEqualTo(40);
    assertThat(close.getMethodId()).isEqualTo(30);
  }

  @Test
  void shouldAnswerExchangeBindFromMissingSourceWith404() {
    String missing = uniqueName("missing-x");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + missing + "' in vhost '/'",
        () -> ch.exchangeBind("amq.direct", missing, "key"));
  }

  @Test
  void shouldTreatUnbindOfMissingExchangeBindingAsSuccess() throws Exception {
    ch.exchangeUnbind("amq.fanout", "amq.direct", uniqueName("never-bound"));
    ch.exchangeUnbind(uniqueName("missing-x"), "amq.direct", "key");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldCloseConnectionWith503OnUnknownExchangeType() {
    String x = tracker.exchange(uniqueName("x"));
    AMQP.Connection.Close close = assertConnectionError(connection, 503,
        "COMMAND_INVALID - unknown exchange type 'x-no-such-type'",
        () -> ch.exchangeDeclare(x, "x-no-such-type"));
    assertThat(close.getClassId()).isEqualTo(40);
    assertThat(close.getMethodId()).isEqualTo(10);
  }

  @Test
  void shouldCloseChannelWith404OnPublishToMissingExchange() {
    String missing = uniqueName("missing-x");
    AMQP.Channel.Close close = assertChannelError(ch, 404,
        "NOT_FOUND - no exchange '" + missing + "' in vhost '/'",
        () -> ch.basicPublish(missing, "key", null, new byte[] {1}));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @Test
  void shouldStripCrAndLfFromExchangeNamesInDeclareBindUnbindAndDelete() throws Exception {
    String source = tracker.exchange(uniqueName("x-src"));
    String destination = tracker.exchange(uniqueName("x-dst"));
    ch.exchangeDeclare(source + "\n", "fanout");
    ch.exchangeDeclare("\r" + destination, "fanout");
    ch.exchangeDeclarePassive(source);
    ch.exchangeDeclarePassive(destination + "\r\n");
    String q = tracker.queue(ch.queueDeclare(uniqueName("q"), false, false, false, null).getQueue());
    ch.queueBind(q, destination + "\r\n", "");
    ch.exchangeBind(destination + "\n", "\n" + source, "");
    publishConfirmed(source, "k", "through both");
    assertThat(drain(ch, q)).containsExactly("through both");
    ch.exchangeUnbind("\r" + destination, source + "\r", "");
    publishConfirmed(source, "k", "unbound");
    assertThat(drain(ch, q)).isEmpty();
    ch.exchangeDelete(source + "\r\n");
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + source + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(source));
  }

  @Test
  void shouldAcceptArgumentsOfEveryFieldTypeIncludingVoid() throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("x-void", null);
    args.put("x-table", Map.of("key", 1));
    args.put("x-array", List.of("a", 1));
    args.put("x-decimal", new BigDecimal("1.1"));
    args.put("x-timestamp", new Date(1_000_000));
    args.put("x-bytes", "bytes".getBytes(StandardCharsets.UTF_8));
    args.put("x-double", 1.1d);
    args.put("x-bool", true);
    String x = tracker.exchange(uniqueName("x"));
    ch.exchangeDeclare(x, "direct", false, false, args);
    ch.exchangeDeclare(x, "direct", false, false, args);
    String q = tracker.queue(uniqueName("q"));
    ch.queueDeclare(q, false, false, false, args);
    ch.queueBind(q, x, "k", args);
    publishConfirmed(x, "k", "routed");
    assertThat(drain(ch, q)).containsExactly("routed");
  }

  private String declared(String type) throws IOException {
    String x = tracker.exchange(uniqueName("x-" + type));
    ch.exchangeDeclare(x, type);
    return x;
  }

  private void assertRedeclareRefused(String x, String detail, AmqpAction redeclare)
      throws Exception {
    AMQP.Channel.Close close =
        assertChannelError(ch, 406, "PRECONDITION_FAILED - " + detail, redeclare);
    assertThat(close.getClassId()).isEqualTo(40);
    assertThat(close.getMethodId()).isEqualTo(10);
    connection.createChannel().exchangeDeclarePassive(x); // the original is untouched
  }

  /** Publishes on a confirm-mode channel and waits for the broker to have routed it. */
  private void publishConfirmed(String exchange, String key, String body) throws Exception {
    Channel publisher = connection.createChannel();
    publisher.confirmSelect();
    publisher.basicPublish(exchange, key, null, body.getBytes(StandardCharsets.UTF_8));
    publisher.waitForConfirmsOrDie(5_000);
    publisher.close();
  }
}

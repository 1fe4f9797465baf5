package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static io.warren.it.support.AmqpAssertions.assertConnectionError;
import static io.warren.it.support.AmqpAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.EntityTracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where published messages go: the four exchange types, the default exchange, alternate
 * exchanges, RabbitMQ's CC/BCC sender-selected distribution and mandatory returns. Every publish
 * goes through a confirm-mode channel and is confirmed before the queues are read, so an empty
 * basic.get means "not routed" rather than "not routed yet".
 */
@Tag("spec-basic-publish")
class RoutingTest extends BrokerTestSupport {

  private final EntityTracker tracker = new EntityTracker();
  private Connection connection;
  private Channel ch;
  private Channel publisher;
  private final List<Return> returns = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws IOException {
    connection = connect();
    ch = connection.createChannel();
    publisher = connection.createChannel();
    publisher.confirmSelect();
    publisher.addReturnListener(returns::add);
  }

  @AfterEach
  void deleteEntities() throws Exception {
    tracker.deleteAll(connectionFactory());
  }

  @Test
  void shouldRouteThroughDefaultExchangeByQueueName() throws Exception {
    String q = queue();
    String other = queue();
    publish("", q, "to q");
    assertThat(drain(ch, q)).containsExactly("to q");
    assertThat(drain(ch, other)).isEmpty();
  }

  @Test
  void shouldRouteDirectByExactBindingKey() throws Exception {
    String x = exchange("direct");
    String both = queue();
    String orangeOnly = queue();
    ch.queueBind(both, x, "orange");
    ch.queueBind(both, x, "black");
    ch.queueBind(orangeOnly, x, "orange");
    publish(x, "orange", "o");
    publish(x, "black", "b");
    publish(x, "green", "g");
    publish(x, "orange.x", "ox");
    publish(x, "", "empty");
    assertThat(drain(ch, both)).containsExactly("o", "b");
    assertThat(drain(ch, orangeOnly)).containsExactly("o");
  }

  @Test
  void shouldRouteDirectWithEmptyBindingKeyOnlyForEmptyRoutingKey() throws Exception {
    String x = exchange("direct");
    String q = queue();
    ch.queueBind(q, x, "");
    publish(x, "", "empty");
    publish(x, "key", "keyed");
    assertThat(drain(ch, q)).containsExactly("empty");
  }

  @Test
  void shouldRouteFanoutToEveryBoundQueueIgnoringKeys() throws Exception {
    String x = exchange("fanout");
    String a = queue();
    String b = queue();
    ch.queueBind(a, x, "");
    ch.queueBind(b, x, "some-key");
    publish(x, "anything", "1");
    publish(x, "", "2");
    assertThat(drain(ch, a)).containsExactly("1", "2");
    assertThat(drain(ch, b)).containsExactly("1", "2");
  }

  @Test
  void shouldMatchTopicWildcardsAsRabbitMqDoes() throws Exception {
    List<String> keys = List.of("quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox",
        "lazy.brown.fox", "lazy", "quick.orange.male.rabbit", "a", "a.b", "a.z", "a.b.c.z", "z",
        "", "a.b.c", "a..z");
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("*.orange.*", List.of("quick.orange.rabbit", "lazy.orange.elephant",
        "quick.orange.fox"));
    expected.put("*.*.rabbit", List.of("quick.orange.rabbit"));
    expected.put("lazy.#", List.of("lazy.orange.elephant", "lazy.brown.fox", "lazy"));
    expected.put("#", keys);
    expected.put("a.#.z", List.of("a.z", "a.b.c.z", "a..z"));
    expected.put("#.z", List.of("a.z", "a.b.c.z", "z", "a..z"));
    expected.put("a.*", List.of("a.b", "a.z"));
    expected.put("a.*.z", List.of("a..z"));
    expected.put("a", List.of("a"));
    expected.put("", List.of(""));
    expected.put("*", List.of("lazy", "a", "z"));
    expected.put("a.#", List.of("a", "a.b", "a.z", "a.b.c.z", "a.b.c", "a..z"));
    expected.put("#.#", keys);
    expected.put("*.#", List.of("quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox",
        "lazy.brown.fox", "lazy", "quick.orange.male.rabbit", "a", "a.b", "a.z", "a.b.c.z", "z",
        "a.b.c", "a..z"));

    String x = exchange("topic");
    Map<String, String> queueByPattern = new LinkedHashMap<>();
    for (String pattern : expected.keySet()) {
      String q = queue();
      ch.queueBind(q, x, pattern);
      queueByPattern.put(pattern, q);
    }
    for (String key : keys) {
      publish(x, key, key);
    }
    Map<String, List<String>> actual = new LinkedHashMap<>();
    for (var e : queueByPattern.entrySet()) {
      actual.put(e.getKey(), drain(ch, e.getValue()));
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void shouldDeliverOnceWhenSeveralTopicBindingsOfAQueueMatch() throws Exception {
    String x = exchange("topic");
    String q = queue();
    ch.queueBind(q, x, "a.*");
    ch.queueBind(q, x, "*.b");
    ch.queueBind(q, x, "#");
    ch.queueBind(q, x, "a.b");
    publish(x, "a.b", "once");
    assertThat(drain(ch, q)).containsExactly("once");
  }

  @Test
  void shouldMatchHeadersForEveryXMatchMode() throws Exception {
    Map<String, Map<String, Object>> messages = new LinkedHashMap<>();
    messages.put("a1-b2-c3", Map.of("a", 1, "b", 2, "c", 3));
    messages.put("a1", Map.of("a", 1));
    messages.put("a1-b3", Map.of("a", 1, "b", 3));
    messages.put("b2", Map.of("b", 2));
    messages.put("none", Map.of());
    messages.put("xtag-a1", Map.of("x-tag", "t", "a", 1));
    messages.put("xtag", Map.of("x-tag", "t"));
    messages.put("c3", Map.of("c", 3));

    Map<String, Map<String, Object>> bindings = new LinkedHashMap<>();
    Map<String, List<String>> expected = new LinkedHashMap<>();
    bindings.put("all", Map.of("x-match", "all", "a", 1, "b", 2));
    expected.put("all", List.of("a1-b2-c3"));
    bindings.put("any", Map.of("x-match", "any", "a", 1, "b", 2));
    expected.put("any", List.of("a1-b2-c3", "a1", "a1-b3", "b2", "xtag-a1"));
    bindings.put("no x-match means all", Map.of("a", 1));
    expected.put("no x-match means all", List.of("a1-b2-c3", "a1", "a1-b3", "xtag-a1"));
    bindings.put("all ignores x- keys", Map.of("x-match", "all", "x-tag", "t", "a", 1));
    expected.put("all ignores x- keys", List.of("a1-b2-c3", "a1", "a1-b3", "xtag-a1"));
    bindings.put("all-with-x", Map.of("x-match", "all-with-x", "x-tag", "t", "a", 1));
    expected.put("all-with-x", List.of("xtag-a1"));
    bindings.put("any ignores x- keys", Map.of("x-match", "any", "x-tag", "t"));
    expected.put("any ignores x- keys", List.of());
    bindings.put("any-with-x", Map.of("x-match", "any-with-x", "x-tag", "t"));
    expected.put("any-with-x", List.of("xtag-a1", "xtag"));
    bindings.put("all of nothing", Map.of("x-match", "all"));
    expected.put("all of nothing", List.copyOf(messages.keySet()));
    bindings.put("any of nothing", Map.of("x-match", "any"));
    expected.put("any of nothing", List.of());

    String x = exchange("headers");
    Map<String, String> queueByBinding = new LinkedHashMap<>();
    for (var b : bindings.entrySet()) {
      String q = queue();
      ch.queueBind(q, x, "ignored-key", b.getValue());
      queueByBinding.put(b.getKey(), q);
    }
    for (var m : messages.entrySet()) {
      publish(x, "any-key", m.getKey(), props().headers(m.getValue()).build());
    }
    Map<String, List<String>> actual = new LinkedHashMap<>();
    for (var e : queueByBinding.entrySet()) {
      actual.put(e.getKey(), drain(ch, e.getValue()));
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void shouldRefuseHeadersBindingWithUnknownXMatch() throws Exception {
    String x = exchange("headers");
    String q = queue();
    AMQP.Channel.Close close = assertChannelError(ch, 406, "PRECONDITION_FAILED - Invalid x-match "
        + "field value <<\"nope\">>; expected all, any, all-with-x, or any-with-x",
        () -> ch.queueBind(q, x, "", Map.of("x-match", "nope")));
    assertThat(close.getClassId()).isEqualTo(50);
    assertThat(close.getMethodId()).isEqualTo(20);
  }

  @Test
  void shouldSendUnroutableMessagesToTheAlternateExchange() throws Exception {
    String ae = exchange("fanout");
    String x = tracker.exchange(uniqueName("with-ae"));
    ch.exchangeDeclare(x, "direct", false, false, Map.of("alternate-exchange", ae));
    String routed = queue();
    String unrouted = queue();
    ch.queueBind(routed, x, "known");
    ch.queueBind(unrouted, ae, "");
    publish(x, "known", "k");
    publishMandatory(x, "unknown", "u");
    assertThat(drain(ch, routed)).containsExactly("k");
    assertThat(drain(ch, unrouted)).containsExactly("u");
    assertThat(returns).as("routed via the alternate exchange: not returned").isEmpty();
  }

  @Test
  void shouldReturnMandatoryMessageWhenAlternateExchangeIsMissing() throws Exception {
    String x = tracker.exchange(uniqueName("with-missing-ae"));
    ch.exchangeDeclare(x, "direct", false, false,
        Map.of("alternate-exchange", uniqueName("missing-ae")));
    publishMandatory(x, "unknown", "u");
    assertThat(returns).hasSize(1);
    assertThat(returns.get(0).getReplyCode()).isEqualTo(312);
  }

  @Test
  void shouldDeliverToCcRoutingKeysAndKeepTheCcHeader() throws Exception {
    String x = exchange("direct");
    String main = queue();
    String copied = queue();
    ch.queueBind(main, x, "k1");
    ch.queueBind(copied, x, "k2");
    publish(x, "k1", "m", props().headers(Map.of("CC", List.of("k2"))).build());
    for (String q : List.of(main, copied)) {
      GetResponse got = ch.basicGet(q, true);
      assertThat(got).as(q).isNotNull();
      assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("k1");
      assertThat(got.getProps().getHeaders()).containsOnlyKeys("CC");
      assertThat(got.getProps().getHeaders().get("CC").toString()).isEqualTo("[k2]");
    }
  }

  @Test
  void shouldDeliverToBccRoutingKeysAndStripTheBccHeader() throws Exception {
    String x = exchange("direct");
    String main = queue();
    String blind = queue();
    ch.queueBind(main, x, "k1");
    ch.queueBind(blind, x, "k3");
    publish(x, "k1", "m", props().headers(Map.of("BCC", List.of("k3"), "other", "kept")).build());
    for (String q : List.of(main, blind)) {
      GetResponse got = ch.basicGet(q, true);
      assertThat(got).as(q).isNotNull();
      assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("k1");
      assertThat(got.getProps().getHeaders()).containsOnlyKeys("other");
    }
  }

  @Test
  void shouldDeliverOnceWhenRoutingKeyAndCcReachTheSameQueue() throws Exception {
    String x = exchange("direct");
    String q = queue();
    ch.queueBind(q, x, "k1");
    ch.queueBind(q, x, "k2");
    publish(x, "k1", "once", props().headers(Map.of("CC", List.of("k2", "k1"))).build());
    assertThat(drain(ch, q)).containsExactly("once");
  }

  @Test
  void shouldMatchCcAndBccKeysAtEveryExchangeOnTheWay() throws Exception {
    String first = exchange("direct");
    String second = exchange("topic");
    String q = queue();
    ch.exchangeBind(second, first, "k1");
    ch.queueBind(q, second, "k2");
    // "" reaches nothing, CC k1 leads to the second exchange, where BCC k2 matches the queue
    publish(first, "", "m",
        props().headers(Map.of("CC", List.of("k1"), "BCC", List.of("k2"))).build());
    GetResponse got = ch.basicGet(q, true);
    assertThat(got).isNotNull();
    assertThat(got.getProps().getHeaders()).containsOnlyKeys("CC");
    assertThat(drain(ch, q)).isEmpty();
  }

  @Test
  void shouldUseTheAlternateExchangeOnlyWhenNoneOfTheKeysMatched() throws Exception {
    String ae = exchange("fanout");
    String x = tracker.exchange(uniqueName("with-ae"));
    ch.exchangeDeclare(x, "direct", false, false, Map.of("alternate-exchange", ae));
    String routed = queue();
    String unrouted = queue();
    ch.queueBind(routed, x, "known");
    ch.queueBind(unrouted, ae, "");
    publish(x, "unknown", "cc matched", props().headers(Map.of("CC", List.of("known"))).build());
    publish(x, "unknown", "nothing matched",
        props().headers(Map.of("CC", List.of("other"))).build());
    assertThat(drain(ch, routed)).containsExactly("cc matched");
    assertThat(drain(ch, unrouted)).containsExactly("nothing matched");
  }

  @Test
  void shouldCloseTheConnectionWith540ForAnImmediatePublish() throws Exception {
    String q = queue();
    AMQP.Connection.Close close = assertConnectionError(connection, 540,
        "NOT_IMPLEMENTED - immediate=true", () -> ch.basicPublish("", q, false, true, null, new byte[] {1}));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @Test
  void shouldRefuseCcHeaderThatIsNotAnArray() throws Exception {
    String x = exchange("direct");
    AMQP.Channel.Close close = assertChannelError(publisher, 406,
        "PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,\"CC\",longstr}",
        () -> publisher.basicPublish(x, "k1", props().headers(Map.of("CC", "k2")).build(),
            new byte[] {1}));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @Test
  void shouldReturnUnroutableMandatoryMessageWith312() throws Exception {
    String x = exchange("direct");
    AMQP.BasicProperties sent = props().contentType("text/plain").messageId("id-1").build();
    CompletableFuture<Return> returned = new CompletableFuture<>();
    publisher.addReturnListener(returned::complete);
    publisher.basicPublish(x, "nobody-bound", true, sent,
        "lost".getBytes(StandardCharsets.UTF_8));
    Return r = returned.get(5, TimeUnit.SECONDS);
    assertThat(r.getReplyCode()).isEqualTo(312);
    assertThat(r.getReplyText()).isEqualTo("NO_ROUTE");
    assertThat(r.getExchange()).isEqualTo(x);
    assertThat(r.getRoutingKey()).isEqualTo("nobody-bound");
    assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("lost");
    assertThat(r.getProperties().getContentType()).isEqualTo("text/plain");
    assertThat(r.getProperties().getMessageId()).isEqualTo("id-1");
  }

  @Test
  void shouldReturnMandatoryMessageForMissingQueueThroughDefaultExchange() throws Exception {
    publishMandatory("", uniqueName("missing-queue"), "lost");
    assertThat(returns).hasSize(1);
    assertThat(returns.get(0).getReplyText()).isEqualTo("NO_ROUTE");
    assertThat(returns.get(0).getExchange()).isEmpty();
  }

  @Test
  void shouldDropUnroutableMessageSilentlyWithoutMandatory() throws Exception {
    String x = exchange("direct");
    publish(x, "nobody-bound", "dropped");
    assertThat(returns).isEmpty();
    assertThat(publisher.isOpen()).isTrue();
  }

  @Test
  void shouldNotReturnRoutableMandatoryMessage() throws Exception {
    String q = queue();
    publishMandatory("", q, "kept");
    assertThat(returns).isEmpty();
    assertThat(drain(ch, q)).containsExactly("kept");
  }

  @Test
  void shouldSendTheReturnBeforeTheConfirm() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> acked = new CompletableFuture<>();
    publisher.addReturnListener(r -> events.add("return"));
    publisher.addConfirmListener((tag, multiple) -> {
      events.add("ack");
      acked.complete(null);
    }, (tag, multiple) -> acked.completeExceptionally(new AssertionError("nack")));
    publisher.basicPublish("", uniqueName("missing-queue"), true, null, new byte[] {1});
    acked.get(5, TimeUnit.SECONDS);
    assertThat(events).containsExactly("return", "ack");
  }

  private String exchange(String type) throws IOException {
    String x = tracker.exchange(uniqueName("x-" + type));
    ch.exchangeDeclare(x, type);
    return x;
  }

  private String queue() throws IOException {
    return tracker.queue(ch.queueDeclare(uniqueName("q"), false, false, false, null).getQueue());
  }

  private static AMQP.BasicProperties.Builder props() {
    return new AMQP.BasicProperties.Builder();
  }

  private void publish(String exchange, String key, String body) throws Exception {
    publish(exchange, key, body, null);
  }

  private void publish(String exchange, String key, String body, AMQP.BasicProperties props)
      throws Exception {
    publisher.basicPublish(exchange, key, props, body.getBytes(StandardCharsets.UTF_8));
    publisher.waitForConfirmsOrDie(5_000);
  }

  /** Publishes with mandatory set; a return, if any, arrives before the confirm. */
  private void publishMandatory(String exchange, String key, String body) throws Exception {
    publisher.basicPublish(exchange, key, true, null, body.getBytes(StandardCharsets.UTF_8));
    publisher.waitForConfirmsOrDie(5_000);
  }
}

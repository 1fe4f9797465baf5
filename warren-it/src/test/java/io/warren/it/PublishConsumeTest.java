package io.warren.it;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static io.warren.it.support.CloseReasons.assertConnectionError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.MessageProperties;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Cleanup;
import io.warren.it.support.Deliveries;
import io.warren.it.support.Deliveries.Received;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** basic.publish, basic.consume, basic.deliver, basic.get, basic.cancel: the round trip. */
@Tag("basic")
class PublishConsumeTest extends BrokerTestSupport {

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void deleteQueues() throws Exception {
    cleanup.deleteAll(connectionFactory());
  }

  private static String exclusiveQueue(Channel ch, String prefix) throws Exception {
    return ch.queueDeclare(uniqueName(prefix), false, true, false, null).getQueue();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void publish(Channel ch, String queue, String... bodies) throws Exception {
    for (String b : bodies) {
      ch.basicPublish("", queue, null, utf8(b));
    }
  }

  // ---- properties and headers -------------------------------------------------------------

  @Test
  void shouldPreserveEveryBasicPropertiesField() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "props");
    Date timestamp = new Date(1_700_000_000_000L); // whole seconds: AMQP timestamps have no millis
    AMQP.BasicProperties sent =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .contentEncoding("gzip")
            .headers(Map.of("h", "v"))
            .deliveryMode(2)
            .priority(7)
            .correlationId("corr-1")
            .replyTo("reply-queue")
            .expiration("60000")
            .messageId("msg-1")
            .timestamp(timestamp)
            .type("order.created")
            .userId("guest") // must equal the authenticated user, or the broker refuses it
            .appId("warren-it")
            .clusterId("cluster-a")
            .build();

    ch.basicPublish("", q, sent, utf8("{}"));
    GetResponse got = ch.basicGet(q, true);

    AMQP.BasicProperties p = got.getProps();
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getContentEncoding()).isEqualTo("gzip");
    assertThat(p.getHeaders()).containsOnlyKeys("h");
    assertThat(p.getHeaders().get("h").toString()).isEqualTo("v");
    assertThat(p.getDeliveryMode()).isEqualTo(2);
    assertThat(p.getPriority()).isEqualTo(7);
    assertThat(p.getCorrelationId()).isEqualTo("corr-1");
    assertThat(p.getReplyTo()).isEqualTo("reply-queue");
    assertThat(p.getExpiration()).isEqualTo("60000");
    assertThat(p.getMessageId()).isEqualTo("msg-1");
    assertThat(p.getTimestamp()).isEqualTo(timestamp);
    assertThat(p.getType()).isEqualTo("order.created");
    assertThat(p.getUserId()).isEqualTo("guest");
    assertThat(p.getAppId()).isEqualTo("warren-it");
    assertThat(p.getClusterId()).isEqualTo("cluster-a");
  }

  @Test
  void shouldDeliverNoPropertiesWhenNoneWerePublished() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "noprops");

    ch.basicPublish("", q, null, utf8("bare"));
    AMQP.BasicProperties p = ch.basicGet(q, true).getProps();

    assertThat(p.getContentType()).isNull();
    assertThat(p.getHeaders()).isNull();
    assertThat(p.getDeliveryMode()).isNull();
    assertThat(p.getPriority()).isNull();
    assertThat(p.getTimestamp()).isNull();
    assertThat(p.getUserId()).isNull();
  }

  @Test
  void shouldPreserveEveryHeaderFieldType() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "headers");
    String longText = "x".repeat(70_000); // longer than a short string, and than 64 KiB
    Date date = new Date(1_600_000_000_000L);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("inner-int", 42);
    nested.put("inner-table", Map.of("deep", "down"));
    nested.put("inner-array", List.of(1, "two"));
    Map<String, Object> headers = new HashMap<>();
    headers.put("string", "hello");
    headers.put("long-string", longText);
    headers.put("int", 123_456);
    headers.put("negative-int", -7);
    headers.put("long", 9_000_000_000L);
    headers.put("short", (short) -300);
    headers.put("byte", (byte) -5);
    headers.put("float", 1.5f);
    headers.put("double", 2.25d);
    headers.put("true", true);
    headers.put("false", false);
    headers.put("decimal", new BigDecimal("-123.4567"));
    headers.put("timestamp", date);
    headers.put("bytes", new byte[] {0, 1, (byte) 0xff});
    headers.put("void", null);
    headers.put("table", nested);
    headers.put("array", List.of("a", 1, List.of(2, 3), Map.of("k", "v"), true));
    headers.put("empty-table", Map.of());
    headers.put("empty-array", List.of());
    headers.put("utf8", "grüße ✓");

    ch.basicPublish("", q, new AMQP.BasicProperties.Builder().headers(headers).build(), utf8("h"));
    Map<String, Object> h = ch.basicGet(q, true).getProps().getHeaders();

    assertThat(h).containsOnlyKeys(headers.keySet());
    assertThat(h.get("string")).isInstanceOf(LongString.class).hasToString("hello");
    assertThat(h.get("long-string")).hasToString(longText);
    assertThat(h.get("int")).isEqualTo(123_456);
    assertThat(h.get("negative-int")).isEqualTo(-7);
    assertThat(h.get("long")).isEqualTo(9_000_000_000L);
    assertThat(h.get("short")).isEqualTo((short) -300);
    assertThat(h.get("byte")).isEqualTo((byte) -5);
    assertThat(h.get("float")).isEqualTo(1.5f);
    assertThat(h.get("double")).isEqualTo(2.25d);
    assertThat(h.get("true")).isEqualTo(true);
    assertThat(h.get("false")).isEqualTo(false);
    assertThat(h.get("decimal")).isEqualTo(new BigDecimal("-123.4567"));
    assertThat(h.get("timestamp")).isEqualTo(date);
    assertThat((byte[]) h.get("bytes")).containsExactly(0, 1, 0xff);
    assertThat(h).containsEntry("void", null);
    assertThat(h.get("utf8")).hasToString("grüße ✓");

    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) h.get("table");
    assertThat(table).containsOnlyKeys("inner-int", "inner-table", "inner-array");
    assertThat(table.get("inner-int")).isEqualTo(42);
    assertThat(((Map<?, ?>) table.get("inner-table")).get("deep")).hasToString("down");
    assertThat(stringsOf((List<?>) table.get("inner-array"))).containsExactly("1", "two");

    List<?> array = (List<?>) h.get("array");
    assertThat(array).hasSize(5);
    assertThat(array.get(0)).hasToString("a");
    assertThat(array.get(1)).isEqualTo(1);
    assertThat(stringsOf((List<?>) array.get(2))).containsExactly("2", "3");
    assertThat(((Map<?, ?>) array.get(3)).get("k")).hasToString("v");
    assertThat(array.get(4)).isEqualTo(true);
    assertThat((Map<?, ?>) h.get("empty-table")).isEmpty();
    assertThat((List<?>) h.get("empty-array")).isEmpty();
  }

  private static List<String> stringsOf(List<?> values) {
    return values.stream().map(String::valueOf).toList();
  }

  // ---- body sizes and framing -------------------------------------------------------------

  /**
   * A body frame carries at most frame-max minus 8 bytes (7 of header, 1 frame-end), so these
   * sizes sit on either side of one and two full frames.
   */
  @ParameterizedTest(name = "frame-max 4096, body {0} bytes")
  @ValueSource(ints = {0, 1, 4087, 4088, 4089, 8176, 8177, 100_000})
  void shouldDeliverBodiesOfEverySizeAroundTheFrameMaxBoundary(int size) throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setRequestedFrameMax(4096);
    Connection conn = connect(cf);
    assertThat(conn.getFrameMax()).isEqualTo(4096);
    Channel ch = conn.createChannel();
    String q = exclusiveQueue(ch, "frames");
    byte[] body = randomBytes(size, size);

    ch.basicPublish("", q, null, body);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, true, consumer);

    assertThat(consumer.next().body()).isEqualTo(body);
  }

  @Test
  void shouldDeliverBodiesThatExactlyFillTheDefaultFrameMax() throws Exception {
    Connection conn = connect();
    int payloadPerFrame = conn.getFrameMax() - 8;
    Channel ch = conn.createChannel();
    String q = exclusiveQueue(ch, "frames-default");
    List<byte[]> bodies = new ArrayList<>();
    for (int size : new int[] {payloadPerFrame, payloadPerFrame + 1, 3 * payloadPerFrame}) {
      byte[] b = randomBytes(size, size);
      bodies.add(b);
      ch.basicPublish("", q, null, b);
    }

    for (byte[] expected : bodies) {
      assertThat(ch.basicGet(q, true).getBody()).isEqualTo(expected);
    }
  }

  @Test
  void shouldDeliverAFiveMegabyteBodySplitAcrossFrames() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "big");
    byte[] body = randomBytes(5 * 1024 * 1024, 5);

    ch.basicPublish("", q, MessageProperties.PERSISTENT_BASIC, body);
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, true, consumer);

    Received r = consumer.next();
    assertThat(r.body().length).isEqualTo(body.length);
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.properties().getDeliveryMode()).isEqualTo(2);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  // ---- consumer tags ------------------------------------------------------------------------

  @Test
  void shouldGenerateConsumerTagWithAmqCtagPrefixWhenNoneGiven() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "ctag");
    Deliveries consumer = new Deliveries(ch);

    String tag = ch.basicConsume(q, true, "", consumer);
    publish(ch, q, "m");

    assertThat(tag).startsWith("amq.ctag-").hasSizeGreaterThan("amq.ctag-".length());
    assertThat(consumer.awaitConsumeOk()).isEqualTo(tag);
    assertThat(consumer.next().consumerTag()).isEqualTo(tag);
  }

  @Test
  void shouldGenerateDistinctConsumerTagsForEachConsumer() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "ctags");

    String a = ch.basicConsume(q, true, new Deliveries(ch));
    String b = ch.basicConsume(q, true, new Deliveries(ch));

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void shouldUseTheConsumerTagTheClientChose() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "explicit-tag");
    Deliveries consumer = new Deliveries(ch);

    String tag = ch.basicConsume(q, true, "my-consumer", consumer);
    publish(ch, q, "m");

    assertThat(tag).isEqualTo("my-consumer");
    Received r = consumer.next();
    assertThat(r.consumerTag()).isEqualTo("my-consumer");
    assertThat(r.envelope().getExchange()).isEmpty();
    assertThat(r.envelope().getRoutingKey()).isEqualTo(q);
  }

  @Test
  void shouldCloseConnectionWith530WhenAConsumerTagIsReusedOnTheSameChannel() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "dup-tag");
    ch.basicConsume(q, true, "twice", new Deliveries(ch));

    assertConnectionError(
        ch,
        530,
        "NOT_ALLOWED - attempt to reuse consumer tag 'twice'",
        () -> ch.basicConsume(q, true, "twice", new Deliveries(ch)));
  }

  @Test
  void shouldAllowTheSameConsumerTagOnDifferentChannels() throws Exception {
    Connection conn = connect();
    Channel ch1 = conn.createChannel();
    Channel ch2 = conn.createChannel();
    String q = exclusiveQueue(ch1, "tag-per-channel");

    ch1.basicConsume(q, true, "same", new Deliveries(ch1));
    String second = ch2.basicConsume(q, true, "same", new Deliveries(ch2));

    assertThat(second).isEqualTo("same");
    assertThat(ch1.isOpen() && ch2.isOpen()).isTrue();
  }

  // ---- exclusive consumers and exclusive queues ---------------------------------------------

  @Test
  void shouldRefuseASecondConsumerWith403WhileAnExclusiveConsumerExists() throws Exception {
    Channel ch1 = openChannel();
    String q = cleanup.queue(ch1, uniqueName("excl-consumer"));
    ch1.basicConsume(q, true, "", false, true, null, new Deliveries(ch1));
    Channel ch2 = openChannel();

    assertChannelError(
        ch2,
        403,
        "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use",
        () -> ch2.basicConsume(q, true, new Deliveries(ch2)));
  }

  @Test
  void shouldRefuseAnExclusiveConsumerWith403WhenTheQueueAlreadyHasConsumers() throws Exception {
    Channel ch1 = openChannel();
    String q = cleanup.queue(ch1, uniqueName("excl-late"));
    ch1.basicConsume(q, true, new Deliveries(ch1));
    Channel ch2 = openChannel();

    assertChannelError(
        ch2,
        403,
        "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use",
        () -> ch2.basicConsume(q, true, "", false, true, null, new Deliveries(ch2)));
  }

  @Test
  void shouldAcceptANewConsumerOnceTheExclusiveConsumerCancels() throws Exception {
    Channel ch1 = openChannel();
    String q = cleanup.queue(ch1, uniqueName("excl-cancel"));
    String tag = ch1.basicConsume(q, true, "", false, true, null, new Deliveries(ch1));
    ch1.basicCancel(tag);
    Channel ch2 = openChannel();
    Deliveries consumer = new Deliveries(ch2);

    ch2.basicConsume(q, true, consumer);
    publish(ch2, q, "after");

    assertThat(consumer.next().text()).isEqualTo("after");
  }

  @Test
  void shouldRefuseConsumeOnAnotherConnectionsExclusiveQueueWith405() throws Exception {
    Channel owner = openChannel();
    String q = exclusiveQueue(owner, "locked");
    Channel other = openChannel();

    assertChannelError(
        other,
        405,
        "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '"
            + q
            + "' in vhost '/'. It could be originally declared on another connection or the"
            + " exclusive property value does not match that of the original declaration.",
        () -> other.basicConsume(q, true, new Deliveries(other)));
  }

  @Test
  void shouldRefuseConsumeOnAMissingQueueWith404() throws Exception {
    Channel ch = openChannel();
    String q = uniqueName("missing");

    assertChannelError(
        ch,
        404,
        "NOT_FOUND - no queue '" + q + "' in vhost '/'",
        () -> ch.basicConsume(q, true, new Deliveries(ch)));
  }

  // ---- consumer priorities -------------------------------------------------------------------

  @Test
  void shouldDeliverOnlyToTheHighestPriorityConsumersWhileTheyHaveCredit() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "prio");
    Deliveries high = new Deliveries(ch);
    Deliveries normal = new Deliveries(ch);
    Deliveries low = new Deliveries(ch);
    String highTag = ch.basicConsume(q, true, Map.of("x-priority", 1), high);
    String normalTag = ch.basicConsume(q, true, normal);
    ch.basicConsume(q, true, Map.of("x-priority", -1), low);

    publish(ch, q, "h1", "h2", "h3");
    assertThat(high.nextTexts(3)).containsExactly("h1", "h2", "h3");
    ch.basicCancel(highTag);
    publish(ch, q, "n1", "n2");
    assertThat(normal.nextTexts(2)).containsExactly("n1", "n2");
    ch.basicCancel(normalTag);
    publish(ch, q, "l1");
    assertThat(low.nextTexts(1)).containsExactly("l1");
    normal.expectNone(0);
    high.expectNone(0);
  }

  @Test
  void shouldFallBackToALowerPriorityConsumerWhenTheHigherOneHasNoCredit() throws Exception {
    Channel ch = openChannel();
    ch.basicQos(1);
    String q = exclusiveQueue(ch, "prio-credit");
    Deliveries high = new Deliveries(ch);
    Deliveries low = new Deliveries(ch);
    ch.basicConsume(q, false, Map.of("x-priority", 5), high);
    ch.basicConsume(q, false, low);

    publish(ch, q, "a", "b", "c");

    Received first = high.next();
    assertThat(first.text()).isEqualTo("a");
    assertThat(low.next().text()).isEqualTo("b");
    ch.basicAck(first.deliveryTag(), false);
    assertThat(high.next().text()).isEqualTo("c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"longstr", "table", "array", "void"})
  void shouldRefuseAnXPriorityThatIsNotAnIntegerWith406(String type) throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("x-priority", switch (type) {
      case "longstr" -> "banana";
      case "table" -> Map.of();
      case "array" -> List.of(1, 2, 3);
      default -> null;
    });
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "prio-invalid");

    AMQP.Channel.Close close = assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '" + q + "' in vhost '/': "
            + "\"expected integer, got " + type + "\"",
        () -> ch.basicConsume(q, true, args, new Deliveries(ch)));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(20);
  }

  // ---- publish checks: user_id, expiration ----------------------------------------------------

  @Test
  void shouldAcceptAUserIdThatNamesTheAuthenticatedUser() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "user-id");
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().userId("guest").build();

    ch.basicPublish("", q, props, utf8("mine"));

    assertThat(ch.basicGet(q, true).getProps().getUserId()).isEqualTo("guest");
  }

  @Test
  void shouldRefuseAUserIdOfSomeoneElseWith406() throws Exception {
    Channel ch = openChannel();
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().userId("not-guest").build();

    AMQP.Channel.Close close = assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - user_id property set to 'not-guest' but authenticated user was 'guest'",
        () -> ch.basicPublish("amq.fanout", "", props, utf8("forged")));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "foobar       | no_integer",
      "''           | no_integer",
      "10000foobar  | {leftover_string,\"foobar\"}",
      "1.5          | {leftover_string,\".5\"}",
      "-10          | {value_negative,-10}",
      "315360000001 | {value_too_large,315360000001}"})
  void shouldRefuseAnExpirationThatIsNotAValidTtlWith406(String expiration, String reason)
      throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "bad-ttl");
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().expiration(expiration).build();

    AMQP.Channel.Close close = assertChannelError(
        ch,
        406,
        "PRECONDITION_FAILED - invalid expiration '" + expiration + "': " + reason,
        () -> ch.basicPublish("", q, props, utf8("m")));
    assertThat(close.getClassId()).isEqualTo(60);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "+5000", "315360000000"})
  void shouldAcceptAnExpirationRabbitMqAccepts(String expiration) throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "ttl");
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().expiration(expiration).build();

    ch.basicPublish("", q, props, utf8("m"));

    assertThat(ch.queueDeclarePassive(q).getQueue()).isEqualTo(q);
  }

  // ---- no-ack, cancel ------------------------------------------------------------------------

  @Test
  void shouldNotRedeliverMessagesSentToANoAckConsumer() throws Exception {
    Channel ch = openChannel();
    String q = cleanup.queue(ch, uniqueName("noack"));
    Deliveries consumer = new Deliveries(ch);
    ch.basicConsume(q, true, consumer);
    publish(ch, q, "a", "b", "c");

    assertThat(consumer.nextTexts(3)).containsExactly("a", "b", "c");
    ch.close();

    Channel check = openChannel();
    assertThat(check.queueDeclarePassive(q).getMessageCount()).isZero();
  }

  @Test
  void shouldStopDeliveringAfterCancelOk() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "cancel");
    Deliveries consumer = new Deliveries(ch);
    String tag = ch.basicConsume(q, true, consumer);
    publish(ch, q, "before");
    assertThat(consumer.next().text()).isEqualTo("before");

    ch.basicCancel(tag);
    assertThat(consumer.awaitCancelOk()).isEqualTo(tag);
    publish(ch, q, "after-1", "after-2");

    consumer.expectNone(300);
    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(q);
    assertThat(ok.getMessageCount()).isEqualTo(2);
    assertThat(ok.getConsumerCount()).isZero();
  }

  // ---- dispatch ------------------------------------------------------------------------------

  @Test
  void shouldDispatchRoundRobinAcrossThreeConsumersInSubscriptionOrder() throws Exception {
    Channel publisher = openChannel();
    String q = cleanup.queue(publisher, uniqueName("rr"));
    List<Deliveries> consumers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Channel ch = openChannel();
      Deliveries d = new Deliveries(ch);
      ch.basicConsume(q, true, d);
      consumers.add(d);
    }

    publish(publisher, q, IntStream.range(0, 9).mapToObj(i -> "m" + i).toArray(String[]::new));

    assertThat(consumers.get(0).nextTexts(3)).containsExactly("m0", "m3", "m6");
    assertThat(consumers.get(1).nextTexts(3)).containsExactly("m1", "m4", "m7");
    assertThat(consumers.get(2).nextTexts(3)).containsExactly("m2", "m5", "m8");
  }

  @Test
  void shouldGiveEachPrefetchOneConsumerOneMessageInTurnAndTheRestToWhoeverAcks()
      throws Exception {
    Channel publisher = openChannel();
    String q = cleanup.queue(publisher, uniqueName("rr-prefetch"));
    List<Channel> channels = new ArrayList<>();
    List<Deliveries> consumers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Channel ch = openChannel();
      ch.basicQos(1);
      Deliveries d = new Deliveries(ch);
      ch.basicConsume(q, false, d);
      channels.add(ch);
      consumers.add(d);
    }

    publish(publisher, q, "m0", "m1", "m2", "m3", "m4");

    Received first = consumers.get(0).next();
    Received second = consumers.get(1).next();
    Received third = consumers.get(2).next();
    assertThat(List.of(first.text(), second.text(), third.text()))
        .containsExactly("m0", "m1", "m2");
    consumers.forEach(d -> d.expectNone(100));

    channels.get(1).basicAck(second.deliveryTag(), false);
    assertThat(consumers.get(1).next().text()).isEqualTo("m3");
    channels.get(2).basicAck(third.deliveryTag(), false);
    assertThat(consumers.get(2).next().text()).isEqualTo("m4");
    consumers.forEach(d -> d.expectNone(100));
  }

  @Test
  void shouldPreserveMessageOrderForOneConsumer() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "order");
    String[] bodies = IntStream.range(0, 500).mapToObj(i -> "m" + i).toArray(String[]::new);
    publish(ch, q, bodies);
    Deliveries consumer = new Deliveries(ch);

    ch.basicConsume(q, true, consumer);

    assertThat(consumer.nextTexts(bodies.length)).containsExactly(bodies);
  }

  @Test
  void shouldCountDeliveryTagsFromOnePerChannel() throws Exception {
    Connection conn = connect();
    Channel ch1 = conn.createChannel();
    Channel ch2 = conn.createChannel();
    String q = exclusiveQueue(ch1, "tags");
    publish(ch1, q, "a", "b", "c");

    assertThat(ch1.basicGet(q, false).getEnvelope().getDeliveryTag()).isEqualTo(1);
    assertThat(ch1.basicGet(q, false).getEnvelope().getDeliveryTag()).isEqualTo(2);
    assertThat(ch2.basicGet(q, false).getEnvelope().getDeliveryTag()).isEqualTo(1);
  }

  // ---- basic.get ----------------------------------------------------------------------------

  @Test
  void shouldAnswerGetWithRemainingMessageCountAndGetEmptyWhenDrained() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "get");
    assertThat(ch.basicGet(q, true)).isNull();
    publish(ch, q, "a", "b", "c");

    GetResponse a = ch.basicGet(q, true);
    GetResponse b = ch.basicGet(q, true);
    GetResponse c = ch.basicGet(q, true);

    assertThat(new String(a.getBody(), StandardCharsets.UTF_8)).isEqualTo("a");
    assertThat(a.getMessageCount()).isEqualTo(2);
    assertThat(b.getMessageCount()).isEqualTo(1);
    assertThat(new String(c.getBody(), StandardCharsets.UTF_8)).isEqualTo("c");
    assertThat(c.getMessageCount()).isZero();
    assertThat(c.getEnvelope().getExchange()).isEmpty();
    assertThat(c.getEnvelope().getRoutingKey()).isEqualTo(q);
    assertThat(ch.basicGet(q, true)).isNull();
  }

  @Test
  void shouldRefuseGetFromAMissingQueueWith404() throws Exception {
    Channel ch = openChannel();
    String q = uniqueName("get-missing");

    assertChannelError(
        ch, 404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", () -> ch.basicGet(q, true));
  }

  @Test
  void shouldSetRedeliveredOnlyAfterAMessageWasRequeued() throws Exception {
    Channel ch = openChannel();
    String q = exclusiveQueue(ch, "redelivered");
    publish(ch, q, "once");

    GetResponse first = ch.basicGet(q, false);
    assertThat(first.getEnvelope().isRedeliver()).isFalse();
    ch.basicReject(first.getEnvelope().getDeliveryTag(), true);
    GetResponse second = ch.basicGet(q, false);

    assertThat(second.getEnvelope().isRedeliver()).isTrue();
    assertThat(new String(second.getBody(), StandardCharsets.UTF_8)).isEqualTo("once");
    assertThat(second.getEnvelope().getDeliveryTag()).isEqualTo(2);
  }
}

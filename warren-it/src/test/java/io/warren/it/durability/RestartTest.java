package io.warren.it.durability;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.MessageProperties;
import io.warren.it.support.Deliveries;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What survives a clean restart of the broker on the same data folder, as RabbitMQ defines it:
 * durable exchanges, queues and bindings between durable ends; persistent messages in durable
 * queues, in order and byte for byte, minus those acked, rejected or purged; delivered but
 * unacked ones come back flagged redelivered. Everything transient is gone.
 *
 * <p>Each test starts its own broker in-process on a fresh folder, stops it with the test's
 * connections still open, and starts a new one on the same folder.
 */
@Tag("durability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestartTest {

  private static final AMQP.BasicProperties PERSISTENT = MessageProperties.PERSISTENT_BASIC;
  private static final AMQP.BasicProperties TRANSIENT = MessageProperties.BASIC;

  @TempDir
  Path dataDir;

  private RestartableBroker broker;

  @BeforeEach
  void startBroker() {
    broker = RestartableBroker.start(dataDir);
  }

  @AfterEach
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  // ---------------------------------------------------------------- definitions

  @Test
  void shouldKeepDurableExchangesOfEveryTypeWithTheirBindingsToADurableQueue() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("q", true, false, false, null);
    ch.exchangeDeclare("x.direct", BuiltinExchangeType.DIRECT, true);
    ch.exchangeDeclare("x.fanout", BuiltinExchangeType.FANOUT, true);
    ch.exchangeDeclare("x.topic", BuiltinExchangeType.TOPIC, true);
    ch.exchangeDeclare("x.headers", BuiltinExchangeType.HEADERS, true);
    ch.queueBind("q", "x.direct", "to-q");
    ch.queueBind("q", "x.fanout", "");
    ch.queueBind("q", "x.topic", "a.*.c");
    ch.queueBind("q", "x.headers", "", Map.of("x-match", "all", "format", "pdf", "type", "report"));

    broker.restart();

    ch = confirming(broker.channel());
    ch.queueDeclarePassive("q");
    for (String x : List.of("x.direct", "x.fanout", "x.topic", "x.headers")) {
      ch.exchangeDeclarePassive(x);
    }
    send(ch, "x.direct", "to-q", PERSISTENT, "direct");
    send(ch, "x.direct", "elsewhere", PERSISTENT, "direct-unroutable");
    send(ch, "x.fanout", "anything", PERSISTENT, "fanout");
    send(ch, "x.topic", "a.b.c", PERSISTENT, "topic");
    send(ch, "x.topic", "a.b.d", PERSISTENT, "topic-unroutable");
    send(ch, "x.headers", "", props(Map.of("format", "pdf", "type", "report")), "headers");
    send(ch, "x.headers", "", props(Map.of("format", "pdf")), "headers-unroutable");
    assertThat(texts(drain(ch, "q"))).containsExactly("direct", "fanout", "topic", "headers");
  }

  @Test
  void shouldKeepTheTypeAndFlagsOfADurableExchange() throws Exception {
    Channel ch = broker.channel();
    ch.exchangeDeclare("x", "topic", true, false, false, Map.of("alternate-exchange", "amq.fanout"));

    broker.restart();

    Channel check = broker.channel();
    check.exchangeDeclare("x", "topic", true, false, false, Map.of("alternate-exchange", "amq.fanout"));
    Channel wrongType = broker.channel();
    assertChannelError(wrongType, 406, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x'"
        + " in vhost '/': received 'direct' but current is 'topic'",
        () -> wrongType.exchangeDeclare("x", "direct", true));
  }

  @Test
  void shouldKeepThePredeclaredExchanges() throws Exception {
    broker.restart();

    Channel ch = broker.channel();
    for (String x : List.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match")) {
      ch.exchangeDeclarePassive(x);
    }
  }

  @Test
  void shouldForgetTransientQueueAndExchange() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("transient-q", false, false, false, null);
    ch.exchangeDeclare("transient-x", BuiltinExchangeType.FANOUT, false);

    broker.restart();

    assertQueueMissing("transient-q");
    assertExchangeMissing("transient-x");
  }

  @Test
  void shouldForgetExclusiveQueuesEvenWhenDeclaredDurable() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("exclusive-durable", true, true, false, null);
    ch.queueDeclare("exclusive-transient", false, true, false, null);
    send(confirming(ch), "", "exclusive-durable", PERSISTENT, "m");

    broker.restart();

    assertQueueMissing("exclusive-durable");
    assertQueueMissing("exclusive-transient");
  }

  @Test
  void shouldForgetTransientAutoDeleteQueue() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("auto-delete-transient", false, false, true, null);
    ch.basicConsume("auto-delete-transient", new Deliveries(ch));

    broker.restart();

    assertQueueMissing("auto-delete-transient");
  }

  /**
   * RabbitMQ deletes an auto-delete queue when its last consumer goes away, and only if it ever had
   * one; a durable auto-delete queue that never had a consumer is recovered like any durable
   * queue (rabbit_amqqueue_process starts recovered queues with has_had_consumers = false).
   */
  @Test
  void shouldKeepDurableAutoDeleteQueueThatNeverHadAConsumer() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("auto-delete-durable", true, false, true, null);
    send(ch, "", "auto-delete-durable", PERSISTENT, "kept");

    broker.restart();

    ch = broker.channel();
    ch.queueDeclare("auto-delete-durable", true, false, true, null);
    assertThat(texts(drain(ch, "auto-delete-durable"))).containsExactly("kept");
  }

  @Test
  void shouldKeepExchangeToExchangeBindingBetweenDurableExchanges() throws Exception {
    Channel ch = broker.channel();
    ch.exchangeDeclare("src", BuiltinExchangeType.TOPIC, true);
    ch.exchangeDeclare("dst", BuiltinExchangeType.FANOUT, true);
    ch.queueDeclare("q", true, false, false, null);
    ch.exchangeBind("dst", "src", "a.#");
    ch.queueBind("q", "dst", "");

    broker.restart();

    ch = confirming(broker.channel());
    send(ch, "src", "a.b.c", PERSISTENT, "through-e2e");
    send(ch, "src", "b.a", PERSISTENT, "not-matching");
    assertThat(texts(drain(ch, "q"))).containsExactly("through-e2e");
  }

  @Test
  void shouldDropQueueBindingsWithATransientEnd() throws Exception {
    Channel ch = broker.channel();
    ch.exchangeDeclare("durable-x", BuiltinExchangeType.DIRECT, true);
    ch.exchangeDeclare("transient-x", BuiltinExchangeType.DIRECT, false);
    ch.queueDeclare("durable-q", true, false, false, null);
    ch.queueDeclare("transient-q", false, false, false, null);
    ch.queueBind("durable-q", "transient-x", "k");
    ch.queueBind("transient-q", "durable-x", "k");

    broker.restart();

    ch = confirming(broker.channel());
    // Same names again: a binding that wrongly survived would route to them.
    ch.exchangeDeclare("transient-x", BuiltinExchangeType.DIRECT, false);
    ch.queueDeclare("transient-q", false, false, false, null);
    send(ch, "transient-x", "k", PERSISTENT, "via-transient-exchange");
    send(ch, "durable-x", "k", PERSISTENT, "to-transient-queue");
    assertThat(drain(ch, "durable-q")).isEmpty();
    assertThat(drain(ch, "transient-q")).isEmpty();
  }

  @Test
  void shouldDropExchangeBindingsWithATransientEnd() throws Exception {
    Channel ch = broker.channel();
    ch.exchangeDeclare("durable-src", BuiltinExchangeType.FANOUT, true);
    ch.exchangeDeclare("transient-dst", BuiltinExchangeType.FANOUT, false);
    ch.exchangeDeclare("transient-src", BuiltinExchangeType.FANOUT, false);
    ch.exchangeDeclare("durable-dst", BuiltinExchangeType.FANOUT, true);
    ch.queueDeclare("q", true, false, false, null);
    ch.exchangeBind("transient-dst", "durable-src", "");
    ch.exchangeBind("durable-dst", "transient-src", "");
    ch.queueBind("q", "durable-dst", "");

    broker.restart();

    ch = confirming(broker.channel());
    ch.exchangeDeclare("transient-dst", BuiltinExchangeType.FANOUT, false);
    ch.exchangeDeclare("transient-src", BuiltinExchangeType.FANOUT, false);
    ch.queueDeclare("listener", false, true, false, null);
    ch.queueBind("listener", "transient-dst", "");
    send(ch, "durable-src", "", PERSISTENT, "to-transient-dst");
    send(ch, "transient-src", "", PERSISTENT, "from-transient-src");
    assertThat(drain(ch, "listener")).isEmpty();
    assertThat(drain(ch, "q")).isEmpty();
    send(ch, "durable-dst", "", PERSISTENT, "direct-to-durable-dst");
    assertThat(texts(drain(ch, "q"))).containsExactly("direct-to-durable-dst");
  }

  @Test
  void shouldKeepAnUnbindAndAnExchangeUnbind() throws Exception {
    Channel ch = broker.channel();
    ch.exchangeDeclare("src", BuiltinExchangeType.FANOUT, true);
    ch.exchangeDeclare("dst", BuiltinExchangeType.FANOUT, true);
    ch.queueDeclare("q", true, false, false, null);
    ch.queueBind("q", "src", "");
    ch.exchangeBind("dst", "src", "");
    ch.queueBind("q", "dst", "");
    ch.queueUnbind("q", "src", "");
    ch.exchangeUnbind("dst", "src", "");

    broker.restart();

    ch = confirming(broker.channel());
    send(ch, "src", "", PERSISTENT, "unbound");
    assertThat(drain(ch, "q")).isEmpty();
    send(ch, "dst", "", PERSISTENT, "still-bound");
    assertThat(texts(drain(ch, "q"))).containsExactly("still-bound");
  }

  @Test
  void shouldKeepADeletedDurableQueueAndExchangeDeleted() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("doomed", true, false, false, null);
    ch.exchangeDeclare("doomed-x", BuiltinExchangeType.FANOUT, true);
    ch.queueBind("doomed", "doomed-x", "");
    send(ch, "doomed-x", "", PERSISTENT, "m1");
    send(ch, "doomed-x", "", PERSISTENT, "m2");
    ch.queueDelete("doomed");
    ch.exchangeDelete("doomed-x");

    broker.restart();

    assertQueueMissing("doomed");
    assertExchangeMissing("doomed-x");
  }

  @Test
  void shouldNotResurrectMessagesOfADeletedQueueInANewQueueOfTheSameName() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("reused", true, false, false, null);
    send(ch, "", "reused", PERSISTENT, "old-1");
    send(ch, "", "reused", PERSISTENT, "old-2");
    ch.queueDelete("reused");
    ch.queueDeclare("reused", true, false, false, null);
    send(ch, "", "reused", PERSISTENT, "new-1");

    broker.restart();

    ch = broker.channel();
    assertThat(texts(drain(ch, "reused"))).containsExactly("new-1");
  }

  @Test
  void shouldNotKeepBindingsOfADeletedQueueOrExchange() throws Exception {
    Channel ch = broker.channel();
    ch.exchangeDeclare("x1", BuiltinExchangeType.FANOUT, true);
    ch.exchangeDeclare("x2", BuiltinExchangeType.FANOUT, true);
    ch.queueDeclare("q1", true, false, false, null);
    ch.queueDeclare("q2", true, false, false, null);
    ch.queueBind("q1", "x1", "");
    ch.queueBind("q2", "x2", "");
    ch.queueDelete("q1");
    ch.exchangeDelete("x2");

    broker.restart();

    ch = confirming(broker.channel());
    ch.queueDeclare("q1", true, false, false, null);
    ch.exchangeDeclare("x2", BuiltinExchangeType.FANOUT, true);
    send(ch, "x1", "", PERSISTENT, "to-x1");
    send(ch, "x2", "", PERSISTENT, "to-x2");
    assertThat(drain(ch, "q1")).as("binding of the deleted q1").isEmpty();
    assertThat(drain(ch, "q2")).as("binding from the deleted x2").isEmpty();
  }

  @Test
  void shouldKeepServerNamedAndUnusuallyNamedDurableQueues() throws Exception {
    String longName = "q-" + "ü".repeat(126); // 254 bytes of UTF-8
    Channel ch = confirming(broker.channel());
    String generated = ch.queueDeclare("", true, false, false, null).getQueue();
    ch.queueDeclare(longName, true, false, false, null);
    ch.queueDeclare("with/slash and space", true, false, false, null);
    send(ch, "", generated, PERSISTENT, "in-generated");
    send(ch, "", longName, PERSISTENT, "in-long");
    send(ch, "", "with/slash and space", PERSISTENT, "in-slash");

    broker.restart();

    ch = broker.channel();
    assertThat(texts(drain(ch, generated))).containsExactly("in-generated");
    assertThat(texts(drain(ch, longName))).containsExactly("in-long");
    assertThat(texts(drain(ch, "with/slash and space"))).containsExactly("in-slash");
  }

  @Test
  void shouldKeepTheArgumentsOfADurableQueue() throws Exception {
    Map<String, Object> args = Map.of(
        "x-max-length", 1000,
        "x-message-ttl", 3_600_000,
        "x-dead-letter-exchange", "some-dlx",
        "x-dead-letter-routing-key", "dead");
    Channel ch = broker.channel();
    ch.queueDeclare("with-args", true, false, false, args);

    broker.restart();

    broker.channel().queueDeclare("with-args", true, false, false, args);
    // Leaving an argument out makes the broker name the value and type it has stored.
    for (String key : List.of("x-max-length", "x-message-ttl", "x-dead-letter-exchange")) {
      Map<String, Object> without = new HashMap<>(args);
      Object stored = without.remove(key);
      String type = stored instanceof Integer ? "signedint" : "longstr";
      Channel ch2 = broker.channel();
      assertChannelError(ch2, 406, "PRECONDITION_FAILED - inequivalent arg '" + key + "' for queue"
          + " 'with-args' in vhost '/': received none but current is the value '" + stored
          + "' of type '" + type + "'",
          () -> ch2.queueDeclare("with-args", true, false, false, without));
    }
    Channel extra = broker.channel();
    Map<String, Object> withExpires = new HashMap<>(args);
    withExpires.put("x-expires", 60_000);
    assertChannelError(extra, 406, "PRECONDITION_FAILED - inequivalent arg 'x-expires' for queue"
        + " 'with-args' in vhost '/': received the value '60000' of type 'signedint' but current is"
        + " none",
        () -> extra.queueDeclare("with-args", true, false, false, withExpires));
  }

  // ---------------------------------------------------------------- messages

  @Test
  void shouldKeepPersistentMessagesInOrderWithPropertiesHeadersAndBodyIntact() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.exchangeDeclare("x", BuiltinExchangeType.DIRECT, true);
    ch.queueDeclare("q", true, false, false, null);
    ch.queueBind("q", "x", "rk");
    AMQP.BasicProperties full = fullProperties();
    byte[] everyByte = new byte[256 * 4];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    byte[] large = new byte[300_000]; // more than one frame (frame_max is 131072)
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31 + 7);
    }
    ch.basicPublish("x", "rk", full, everyByte);
    ch.basicPublish("", "q", PERSISTENT, new byte[0]);
    ch.basicPublish("x", "rk", PERSISTENT, large);
    for (int i = 0; i < 50; i++) {
      ch.basicPublish("", "q", PERSISTENT, ("small-" + i).getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(5_000);

    broker.restart();

    ch = broker.channel();
    List<GetResponse> got = drain(ch, "q");
    assertThat(got).hasSize(53);

    GetResponse first = got.get(0);
    assertThat(first.getEnvelope().getExchange()).isEqualTo("x");
    assertThat(first.getEnvelope().getRoutingKey()).isEqualTo("rk");
    assertThat(first.getBody()).isEqualTo(everyByte);
    assertSameProperties(first.getProps(), full);

    assertThat(got.get(1).getEnvelope().getExchange()).isEmpty();
    assertThat(got.get(1).getEnvelope().getRoutingKey()).isEqualTo("q");
    assertThat(got.get(1).getBody()).isEmpty();
    assertThat(got.get(1).getProps().getDeliveryMode()).isEqualTo(2);

    assertThat(got.get(2).getBody()).isEqualTo(large);
    assertThat(texts(got.subList(3, 53)))
        .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "small-" + i).toList());
  }

  @Test
  void shouldDropTransientMessagesFromADurableQueue() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 0; i < 5; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("persistent-" + i));
      ch.basicPublish("", "q", TRANSIENT, utf8("transient-" + i));
      ch.basicPublish("", "q", new AMQP.BasicProperties.Builder().build(), utf8("no-mode-" + i));
    }
    ch.waitForConfirmsOrDie(5_000);

    broker.restart();

    assertThat(texts(drain(broker.channel(), "q")))
        .containsExactly("persistent-0", "persistent-1", "persistent-2", "persistent-3", "persistent-4");
  }

  @Test
  void shouldForgetPersistentMessagesInATransientQueue() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("transient-q", false, false, false, null);
    send(ch, "", "transient-q", PERSISTENT, "lost");

    broker.restart();

    assertQueueMissing("transient-q");
    ch = broker.channel();
    ch.queueDeclare("transient-q", false, false, false, null);
    assertThat(drain(ch, "transient-q")).isEmpty();
  }

  @Test
  void shouldKeepACopyInEveryDurableQueueItWasRoutedTo() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.exchangeDeclare("fan", BuiltinExchangeType.FANOUT, true);
    for (String q : List.of("q1", "q2")) {
      ch.queueDeclare(q, true, false, false, null);
      ch.queueBind(q, "fan", "");
    }
    ch.queueDeclare("q3-transient", false, false, false, null);
    ch.queueBind("q3-transient", "fan", "");
    send(ch, "fan", "", PERSISTENT, "everywhere");
    assertThat(texts(drain(ch, "q1"))).containsExactly("everywhere"); // acked in q1 only

    broker.restart();

    ch = broker.channel();
    assertThat(drain(ch, "q1")).isEmpty();
    assertThat(texts(drain(ch, "q2"))).containsExactly("everywhere");
  }

  @Test
  void shouldNotBringBackAckedOrRejectedMessages() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 1; i <= 10; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("m" + i));
    }
    ch.waitForConfirmsOrDie(5_000);
    List<GetResponse> got = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      got.add(ch.basicGet("q", false));
    }
    ch.basicAck(got.get(0).getEnvelope().getDeliveryTag(), false);             // m1
    ch.basicAck(got.get(2).getEnvelope().getDeliveryTag(), true);              // m2, m3
    ch.basicReject(got.get(3).getEnvelope().getDeliveryTag(), false);          // m4, no DLX: gone
    ch.basicNack(got.get(4).getEnvelope().getDeliveryTag(), false, false);     // m5, gone
    ch.basicAck(got.get(5).getEnvelope().getDeliveryTag(), false);             // m6
    // a synchronous round trip on the same channel: the broker has handled the acks before it answers
    ch.queueDeclarePassive("q");

    broker.restart();

    assertThat(texts(drain(broker.channel(), "q"))).containsExactly("m7", "m8", "m9", "m10");
  }

  @Test
  void shouldRedeliverUnackedMessagesWithTheRedeliveredFlag() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 1; i <= 6; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("m" + i));
    }
    ch.waitForConfirmsOrDie(5_000);
    Channel consumerChannel = broker.channel();
    Deliveries deliveries = new Deliveries(consumerChannel);
    consumerChannel.basicConsume("q", false, deliveries);
    List<Deliveries.Received> received = deliveries.next(4);
    assertThat(received).extracting(Deliveries.Received::text).containsExactly("m1", "m2", "m3", "m4");
    consumerChannel.basicAck(received.get(1).deliveryTag(), false); // m2
    consumerChannel.queueDeclarePassive("q");

    broker.restart(); // m1, m3, m4 delivered and unacked; m5, m6 possibly not delivered yet

    List<GetResponse> back = drain(broker.channel(), "q");
    assertThat(texts(back)).containsExactly("m1", "m3", "m4", "m5", "m6");
    assertThat(back.subList(0, 3)).allSatisfy(r ->
        assertThat(r.getEnvelope().isRedeliver()).as("redelivered flag of %s", text(r)).isTrue());
  }

  @Test
  void shouldBringBackRequeuedMessagesInTheirOriginalOrder() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 1; i <= 4; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("m" + i));
    }
    ch.waitForConfirmsOrDie(5_000);
    GetResponse m1 = ch.basicGet("q", false);
    GetResponse m2 = ch.basicGet("q", false);
    ch.basicNack(m2.getEnvelope().getDeliveryTag(), false, true); // back to the queue, redelivered
    ch.basicAck(m1.getEnvelope().getDeliveryTag(), false);
    ch.queueDeclarePassive("q");

    broker.restart();

    List<GetResponse> back = drain(broker.channel(), "q");
    assertThat(texts(back)).containsExactly("m2", "m3", "m4");
    assertThat(back.get(0).getEnvelope().isRedeliver()).as("m2 was delivered before").isTrue();
  }

  @Test
  void shouldKeepTransactionalAcksOnlyOnceCommitted() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 1; i <= 3; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("m" + i));
    }
    ch.waitForConfirmsOrDie(5_000);
    Channel tx = broker.channel();
    tx.txSelect();
    GetResponse m1 = tx.basicGet("q", false);
    GetResponse m2 = tx.basicGet("q", false);
    tx.basicAck(m1.getEnvelope().getDeliveryTag(), false);
    tx.txCommit();
    tx.basicAck(m2.getEnvelope().getDeliveryTag(), false); // never committed

    broker.restart();

    assertThat(texts(drain(broker.channel(), "q"))).containsExactly("m2", "m3");
  }

  @Test
  void shouldKeepExactlyTheUnackedTailOfADeepQueueAcrossTwoRestarts() throws Exception {
    int count = 20_000;
    int acked = 15_000;
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("deep", true, false, false, null);
    for (int i = 0; i < count; i++) {
      ch.basicPublish("", "deep", PERSISTENT, utf8(Integer.toString(i)));
    }
    ch.waitForConfirmsOrDie(30_000);

    broker.restart();

    Channel consumerChannel = broker.channel();
    consumerChannel.basicQos(500);
    Deliveries deliveries = new Deliveries(consumerChannel);
    consumerChannel.basicConsume("deep", false, deliveries);
    for (int i = 0; i < acked; i++) {
      Deliveries.Received d = deliveries.next();
      assertThat(d.text()).isEqualTo(Integer.toString(i));
      consumerChannel.basicAck(d.deliveryTag(), false);
    }
    consumerChannel.basicCancel(deliveries.awaitConsumeOk());
    consumerChannel.queueDeclarePassive("deep");

    broker.restart();

    ch = broker.channel();
    assertThat(ch.queueDeclarePassive("deep").getMessageCount()).isEqualTo(count - acked);
    assertThat(texts(drain(ch, "deep"))).containsExactlyElementsOf(
        IntStream.range(acked, count).mapToObj(Integer::toString).toList());
  }

  @Test
  void shouldNotBringBackPurgedMessages() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 0; i < 5; i++) {
      send(ch, "", "q", PERSISTENT, "before-purge-" + i);
    }
    assertThat(ch.queuePurge("q").getMessageCount()).isEqualTo(5);
    send(ch, "", "q", PERSISTENT, "after-purge");

    broker.restart();

    assertThat(texts(drain(broker.channel(), "q"))).containsExactly("after-purge");
  }

  @Test
  void shouldKeepOnlyCommittedTransactionalPublishes() throws Exception {
    Channel ch = broker.channel();
    ch.queueDeclare("q", true, false, false, null);
    ch.txSelect();
    ch.basicPublish("", "q", PERSISTENT, utf8("committed-1"));
    ch.basicPublish("", "q", PERSISTENT, utf8("committed-2"));
    ch.txCommit();
    ch.basicPublish("", "q", PERSISTENT, utf8("rolled-back"));
    ch.txRollback();
    ch.basicPublish("", "q", PERSISTENT, utf8("never-committed"));
    ch.queueDeclarePassive("q");

    broker.restart();

    assertThat(texts(drain(broker.channel(), "q"))).containsExactly("committed-1", "committed-2");
  }

  @Test
  void shouldKeepStateAcrossRepeatedRestartsWithWorkInBetween() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 1; i <= 6; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("first-" + i));
    }
    ch.waitForConfirmsOrDie(5_000);

    broker.restart();

    ch = confirming(broker.channel());
    GetResponse a = ch.basicGet("q", false);
    GetResponse b = ch.basicGet("q", false);
    assertThat(texts(List.of(a, b))).containsExactly("first-1", "first-2");
    ch.basicAck(b.getEnvelope().getDeliveryTag(), true);
    for (int i = 1; i <= 3; i++) {
      ch.basicPublish("", "q", PERSISTENT, utf8("second-" + i));
    }
    ch.waitForConfirmsOrDie(5_000);

    broker.restart();
    broker.restart(); // a restart with nothing done in between changes nothing

    assertThat(texts(drain(broker.channel(), "q"))).containsExactly(
        "first-3", "first-4", "first-5", "first-6", "second-1", "second-2", "second-3");
  }

  @Test
  void shouldKeepTenThousandConfirmedPersistentMessagesExactly() throws Exception {
    int count = 10_000;
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("deep", true, false, false, null);
    for (int i = 0; i < count; i++) {
      ch.basicPublish("", "deep", PERSISTENT, utf8(Integer.toString(i)));
    }
    ch.waitForConfirmsOrDie(30_000);

    broker.restart();

    ch = broker.channel();
    assertThat(ch.queueDeclarePassive("deep").getMessageCount()).isEqualTo(count);
    Channel consumerChannel = broker.channel();
    consumerChannel.basicQos(1000);
    Deliveries deliveries = new Deliveries(consumerChannel,
        (c, d) -> c.basicAck(d.deliveryTag(), false));
    consumerChannel.basicConsume("deep", false, deliveries);
    List<String> bodies = deliveries.nextTexts(count);
    assertThat(bodies).containsExactlyElementsOf(
        IntStream.range(0, count).mapToObj(Integer::toString).toList());
    deliveries.expectNone(200);
  }

  @Test
  void aMessageWhoseTtlRanOutWhileTheBrokerWasDownIsDeadLetteredAtStart() throws Exception {
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueDeclare("q", true, false, false, Map.of("x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", "dead"));
    AMQP.BasicProperties shortLived = PERSISTENT.builder().expiration("1000").build();
    AMQP.BasicProperties longLived = PERSISTENT.builder().expiration("600000").build();
    ch.basicPublish("", "q", shortLived, utf8("short"));
    ch.basicPublish("", "q", longLived, utf8("long"));
    ch.waitForConfirmsOrDie(5_000);

    broker.restartAfter(1_500);
    long started = System.nanoTime();

    // RabbitMQ keeps the deadline (arrival + TTL): it passed while the broker was down, so the
    // message goes at once, not a full TTL after the restart.
    ch = broker.channel();
    GetResponse dead = pollGet(ch, "dead", 5_000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(900);
    assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("short");
    List<Map<String, Object>> deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
    assertThat(deaths.get(0).get("reason").toString()).isEqualTo("expired");
    GetResponse alive = ch.basicGet("q", true);
    assertThat(new String(alive.getBody(), StandardCharsets.UTF_8)).isEqualTo("long");
  }

  @Test
  void aDeepQueueWithAQueueTtlDropsEveryMessageWhoseTtlRanOutWhileTheBrokerWasDown() throws Exception {
    int count = 10_000; // more than a queue keeps in memory: most are recovered as log positions only
    Channel ch = confirming(broker.channel());
    ch.queueDeclare("ttl", true, false, false, Map.of("x-message-ttl", 2_000));
    long published = System.nanoTime();
    for (int i = 0; i < count; i++) {
      ch.basicPublish("", "ttl", PERSISTENT, utf8(Integer.toString(i)));
    }
    ch.waitForConfirmsOrDie(30_000);
    long left = 2_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);

    broker.restartAfter(Math.max(0, left) + 500);
    long started = System.nanoTime();

    ch = broker.channel();
    while (ch.queueDeclarePassive("ttl").getMessageCount() > 0
        && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
      Thread.sleep(20);
    }
    assertThat(ch.queueDeclarePassive("ttl").getMessageCount()).isZero();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_500);
  }

  // ---------------------------------------------------------------- helpers

  private static GetResponse pollGet(Channel ch, String queue, long timeoutMillis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(r).as("a message in %s within %d ms", queue, timeoutMillis).isNotNull();
    return r;
  }

  private static Channel confirming(Channel ch) throws IOException {
    ch.confirmSelect();
    return ch;
  }

  /** Publishes and waits for the confirm, so routing and enqueueing are done when it returns. */
  private static void send(Channel ch, String exchange, String routingKey, AMQP.BasicProperties props,
      String body) throws Exception {
    ch.basicPublish(exchange, routingKey, props, utf8(body));
    ch.waitForConfirmsOrDie(5_000);
  }

  private static AMQP.BasicProperties props(Map<String, Object> headers) {
    return PERSISTENT.builder().headers(headers).build();
  }

  /** Every message left in {@code queue}, taken with basic.get and auto-ack, in order. */
  private static List<GetResponse> drain(Channel ch, String queue) throws IOException {
    List<GetResponse> out = new ArrayList<>();
    for (GetResponse r = ch.basicGet(queue, true); r != null; r = ch.basicGet(queue, true)) {
      out.add(r);
    }
    return out;
  }

  private static List<String> texts(List<GetResponse> responses) {
    return responses.stream().map(RestartTest::text).toList();
  }

  private static String text(GetResponse r) {
    return new String(r.getBody(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void assertQueueMissing(String queue) throws IOException {
    Channel ch = broker.channel();
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + queue + "' in vhost '/'",
        () -> ch.queueDeclarePassive(queue));
  }

  private void assertExchangeMissing(String exchange) throws IOException {
    Channel ch = broker.channel();
    assertChannelError(ch, 404, "NOT_FOUND - no exchange '" + exchange + "' in vhost '/'",
        () -> ch.exchangeDeclarePassive(exchange));
  }

  /** Every basic property set, and a header of every field type RabbitMQ's clients send. */
  private static AMQP.BasicProperties fullProperties() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("inner", "value");
    nested.put("n", 7);
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("string", "héllo wörld");
    headers.put("int", 42);
    headers.put("long", 1L << 40);
    headers.put("short", (short) -3);
    headers.put("byte", (byte) 9);
    headers.put("bool", true);
    headers.put("float", 1.5f);
    headers.put("double", 2.25d);
    headers.put("decimal", new BigDecimal("123.45"));
    headers.put("timestamp", new Date(1_700_000_000_000L));
    headers.put("table", nested);
    headers.put("array", List.of("a", 1, false));
    headers.put("bytes", new byte[] {0, 1, (byte) 0xff});
    headers.put("void", null);
    return new AMQP.BasicProperties.Builder()
        .contentType("application/octet-stream")
        .contentEncoding("identity")
        .headers(headers)
        .deliveryMode(2)
        .priority(5)
        .correlationId("corr-1")
        .replyTo("reply-queue")
        .expiration("3600000")
        .messageId("msg-1")
        .timestamp(new Date(1_700_000_001_000L))
        .type("test.type")
        .userId("guest")
        .appId("restart-test")
        .build();
  }

  private static void assertSameProperties(AMQP.BasicProperties actual, AMQP.BasicProperties expected) {
    assertThat(actual.getContentType()).isEqualTo(expected.getContentType());
    assertThat(actual.getContentEncoding()).isEqualTo(expected.getContentEncoding());
    assertThat(actual.getDeliveryMode()).isEqualTo(expected.getDeliveryMode());
    assertThat(actual.getPriority()).isEqualTo(expected.getPriority());
    assertThat(actual.getCorrelationId()).isEqualTo(expected.getCorrelationId());
    assertThat(actual.getReplyTo()).isEqualTo(expected.getReplyTo());
    assertThat(actual.getExpiration()).isEqualTo(expected.getExpiration());
    assertThat(actual.getMessageId()).isEqualTo(expected.getMessageId());
    assertThat(actual.getTimestamp()).isEqualTo(expected.getTimestamp());
    assertThat(actual.getType()).isEqualTo(expected.getType());
    assertThat(actual.getUserId()).isEqualTo(expected.getUserId());
    assertThat(actual.getAppId()).isEqualTo(expected.getAppId());
    assertThat(comparable(actual.getHeaders())).isEqualTo(comparable(expected.getHeaders()));
  }

  /** Field values as plain Java values: the client decodes strings as LongString, arrays as lists. */
  private static Object comparable(Object value) {
    if (value instanceof LongString s) {
      return s.toString();
    }
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new HashMap<>();
      map.forEach((k, v) -> out.put(k, comparable(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(RestartTest::comparable).toList();
    }
    return value;
  }
}

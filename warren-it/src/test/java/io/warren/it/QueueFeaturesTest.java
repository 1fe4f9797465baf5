package io.warren.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.it.support.BrokerTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ's queue features beyond the spec: length limits (x-max-length, x-max-length-bytes,
 * x-overflow), message TTLs (x-message-ttl, the expiration property), dead-lettering
 * (x-dead-letter-exchange, x-death) and queue leases (x-expires). Queues are exclusive, so
 * nothing is left behind on a shared broker.
 */
@Tag("rabbitmq-extensions")
class QueueFeaturesTest extends BrokerTestSupport {

  private static byte[] body(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(GetResponse r) {
    return new String(r.getBody(), StandardCharsets.UTF_8);
  }

  private static String queue(Channel ch, Map<String, Object> args) throws IOException {
    return ch.queueDeclare(uniqueName("qf"), false, true, false, args).getQueue();
  }

  private static void publish(Channel ch, String queue, String body) throws IOException {
    ch.basicPublish("", queue, null, body(body));
  }

  private static void publish(Channel ch, String queue, String body, String expiration) throws IOException {
    ch.basicPublish("", queue, new AMQP.BasicProperties.Builder().expiration(expiration).build(), body(body));
  }

  private static List<String> drain(Channel ch, String queue) throws IOException {
    List<String> bodies = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) != null) {
      bodies.add(text(r));
    }
    return bodies;
  }

  /**
   * Polls until the queue holds {@code expected} ready messages: dead-lettering is asynchronous,
   * and in RabbitMQ so is a publish, which a later queue.declare-ok may not count yet.
   */
  private static void awaitCount(Channel ch, String queue, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ch.queueDeclarePassive(queue).getMessageCount() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(expected);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> death(GetResponse r, int i) {
    return (Map<String, Object>) ((List<Object>) r.getProps().getHeaders().get("x-death")).get(i);
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) list) {
      out.add(o.toString());
    }
    return out;
  }

  // ---- length limits ----

  @Test
  void shouldDropTheOldestMessagesBeyondMaxLength() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-max-length", 2));

    for (String m : List.of("m1", "m2", "m3", "m4")) {
      publish(ch, q, m);
    }

    awaitCount(ch, q, 2);
    assertThat(drain(ch, q)).containsExactly("m3", "m4");
  }

  @Test
  void shouldCountOnlyReadyMessagesAgainstMaxLength() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-max-length", 1));
    publish(ch, q, "m1");
    GetResponse unacked = ch.basicGet(q, false);

    publish(ch, q, "m2");

    assertThat(text(unacked)).isEqualTo("m1");
    awaitCount(ch, q, 1);
    ch.basicAck(unacked.getEnvelope().getDeliveryTag(), false);
    assertThat(drain(ch, q)).containsExactly("m2");
  }

  @Test
  void shouldDropTheOldestMessagesBeyondMaxLengthBytes() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-max-length-bytes", 10));

    for (String m : List.of("aaaa", "bbbb", "cccc")) {
      publish(ch, q, m);
    }

    assertThat(drain(ch, q)).containsExactly("bbbb", "cccc");
  }

  @Test
  void shouldNackPublishesAFullRejectPublishQueueRefuses() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
    ch.confirmSelect();
    Set<Long> acked = new TreeSet<>();
    Set<Long> nacked = new TreeSet<>();
    ch.addConfirmListener(new ConfirmListener() {
      @Override
      public synchronized void handleAck(long tag, boolean multiple) {
        add(acked, tag, multiple);
      }

      @Override
      public synchronized void handleNack(long tag, boolean multiple) {
        add(nacked, tag, multiple);
      }

      private void add(Set<Long> into, long tag, boolean multiple) {
        for (long t = multiple ? 1 : tag; t <= tag; t++) {
          if (!acked.contains(t) && !nacked.contains(t)) {
            into.add(t);
          }
        }
      }
    });

    publish(ch, q, "m1");
    publish(ch, q, "m2");
    publish(ch, q, "m3");

    assertThat(ch.waitForConfirms(5000)).isFalse();
    assertThat(acked).containsExactly(1L);
    assertThat(nacked).containsExactly(2L, 3L);
    assertThat(drain(ch, q)).containsExactly("m1");
  }

  @Test
  void shouldDeadLetterMessagesDroppedByMaxLengthWithReasonMaxlen() throws Exception {
    Channel ch = openChannel();
    String dlq = queue(ch, null);
    String q = queue(ch, Map.of("x-max-length", 1, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));

    publish(ch, q, "m1");
    publish(ch, q, "m2");

    awaitCount(ch, dlq, 1);
    GetResponse dead = ch.basicGet(dlq, true);
    assertThat(text(dead)).isEqualTo("m1");
    assertThat(dead.getEnvelope().getRoutingKey()).isEqualTo(dlq);
    assertThat(death(dead, 0).get("reason").toString()).isEqualTo("maxlen");
    assertThat(drain(ch, q)).containsExactly("m2");
  }

  // ---- message TTL ----

  @Test
  void shouldExpireMessagesAfterTheQueueTtl() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-message-ttl", 100));
    publish(ch, q, "m1");

    Thread.sleep(300);

    assertThat(ch.queueDeclarePassive(q).getMessageCount()).isZero();
    assertThat(ch.basicGet(q, true)).isNull();
  }

  @Test
  void shouldDeliverZeroTtlMessagesOnlyToAConsumerReadyForThem() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-message-ttl", 0));

    publish(ch, q, "nobody-waits");
    assertThat(ch.basicGet(q, true)).isNull();

    var received = new java.util.concurrent.LinkedBlockingQueue<String>();
    ch.basicConsume(q, true, (tag, d) -> received.add(new String(d.getBody(), StandardCharsets.UTF_8)), tag -> { });
    publish(ch, q, "consumer-waits");

    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("consumer-waits");
  }

  @Test
  void shouldExpireAMessageAfterItsExpirationAndTakeTheSmallerOfBothTtls() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-message-ttl", 60_000));
    publish(ch, q, "short", "100");
    publish(ch, q, "long", "60000");

    Thread.sleep(300);

    assertThat(drain(ch, q)).containsExactly("long");
  }

  @Test
  void shouldKeepTheOriginalDeadlineOfARequeuedMessage() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-message-ttl", 200));
    publish(ch, q, "m1");
    GetResponse r = ch.basicGet(q, false);
    assertThat(r).isNotNull();

    Thread.sleep(400);
    ch.basicReject(r.getEnvelope().getDeliveryTag(), true);

    assertThat(ch.basicGet(q, true)).isNull();
  }

  // ---- dead-lettering ----

  @Test
  void shouldDeadLetterRejectedMessagesWithRabbitMqXDeathHeaders() throws Exception {
    Channel ch = openChannel();
    String dlq = queue(ch, null);
    String q = queue(ch, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
    Map<String, Object> headers = new HashMap<>();
    headers.put("CC", List.of("nowhere"));
    ch.basicPublish("", q, new AMQP.BasicProperties.Builder().headers(headers).expiration("60000").build(),
        body("m1"));
    GetResponse r = ch.basicGet(q, false);

    ch.basicReject(r.getEnvelope().getDeliveryTag(), false);

    awaitCount(ch, dlq, 1);
    GetResponse dead = ch.basicGet(dlq, true);
    Map<String, Object> h = dead.getProps().getHeaders();
    assertThat(dead.getProps().getExpiration()).isNull();
    assertThat(h).doesNotContainKey("CC"); // removed with a dead-letter routing key
    assertThat(h.get("x-first-death-reason").toString()).isEqualTo("rejected");
    assertThat(h.get("x-first-death-queue").toString()).isEqualTo(q);
    assertThat(h.get("x-first-death-exchange").toString()).isEmpty();
    Map<String, Object> d = death(dead, 0);
    assertThat(d.get("count")).isEqualTo(1L);
    assertThat(d.get("reason").toString()).isEqualTo("rejected");
    assertThat(d.get("queue").toString()).isEqualTo(q);
    assertThat(d.get("exchange").toString()).isEmpty();
    assertThat(strings(d.get("routing-keys"))).containsExactly(q, "nowhere");
    assertThat(d.get("original-expiration").toString()).isEqualTo("60000");
    assertThat(d.get("time")).isInstanceOf(Date.class);
  }

  @Test
  void shouldRouteADeadLetterByItsOriginalRoutingKeysWithoutADeadLetterRoutingKey() throws Exception {
    Channel ch = openChannel();
    String x = uniqueName("qf-dlx");
    ch.exchangeDeclare(x, "direct", false, true, null);
    String byKey = queue(ch, null);
    String byCc = queue(ch, null);
    String byBcc = queue(ch, null);
    ch.queueBind(byKey, x, "key");
    ch.queueBind(byCc, x, "cc-key");
    ch.queueBind(byBcc, x, "bcc-key");
    String q = queue(ch, Map.of("x-dead-letter-exchange", x));
    ch.queueBind(q, "amq.direct", "key");
    Map<String, Object> headers = new HashMap<>();
    headers.put("CC", List.of("cc-key"));
    headers.put("BCC", List.of("bcc-key"));
    ch.basicPublish("amq.direct", "key", new AMQP.BasicProperties.Builder().headers(headers).build(), body("m1"));
    GetResponse r = ch.basicGet(q, false);
    assertThat(r.getProps().getHeaders()).doesNotContainKey("BCC");

    ch.basicReject(r.getEnvelope().getDeliveryTag(), false);

    awaitCount(ch, byKey, 1);
    awaitCount(ch, byCc, 1);
    awaitCount(ch, byBcc, 1); // RabbitMQ keeps the BCC keys with the message, out of sight
    assertThat(ch.basicGet(byBcc, true).getProps().getHeaders()).doesNotContainKey("BCC");
    GetResponse dead = ch.basicGet(byCc, true);
    assertThat(dead.getEnvelope().getRoutingKey()).isEqualTo("key");
    assertThat(dead.getEnvelope().getExchange()).isEqualTo(x);
    assertThat(strings(death(dead, 0).get("routing-keys"))).containsExactly("key", "cc-key");
    assertThat(dead.getProps().getHeaders().get("CC")).isNotNull();
  }

  @Test
  void shouldDeadLetterExpiredMessagesWithReasonExpired() throws Exception {
    Channel ch = openChannel();
    String dlq = queue(ch, null);
    String q = queue(ch, Map.of("x-message-ttl", 50, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));

    publish(ch, q, "m1");

    awaitCount(ch, dlq, 1);
    GetResponse dead = ch.basicGet(dlq, true);
    assertThat(death(dead, 0).get("reason").toString()).isEqualTo("expired");
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason").toString()).isEqualTo("expired");
  }

  @Test
  void shouldDeadLetterPublishesRefusedWithRejectPublishDlx() throws Exception {
    Channel ch = openChannel();
    String dlq = queue(ch, null);
    String q = queue(ch, Map.of("x-max-length", 1, "x-overflow", "reject-publish-dlx",
        "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));

    publish(ch, q, "m1");
    publish(ch, q, "m2");

    awaitCount(ch, dlq, 1);
    GetResponse dead = ch.basicGet(dlq, true);
    assertThat(text(dead)).isEqualTo("m2");
    assertThat(death(dead, 0).get("reason").toString()).isEqualTo("maxlen");
    assertThat(drain(ch, q)).containsExactly("m1");
  }

  @Test
  void shouldCountRepeatedDeathsInOneXDeathEntry() throws Exception {
    Channel ch = openChannel();
    String q = uniqueName("qf");
    // rejected messages come back to the queue itself: a client decides each time, so no cycle
    ch.queueDeclare(q, false, true, false, Map.of("x-dead-letter-exchange", ""));
    publish(ch, q, "m1");

    for (int i = 0; i < 2; i++) {
      awaitCount(ch, q, 1);
      GetResponse r = ch.basicGet(q, false);
      ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
    }

    awaitCount(ch, q, 1);
    GetResponse r = ch.basicGet(q, true);
    assertThat((List<?>) r.getProps().getHeaders().get("x-death")).hasSize(1);
    assertThat(death(r, 0).get("count")).isEqualTo(2L);
  }

  @Test
  void shouldDropAMessageThatWouldExpireRoundACycleForever() throws Exception {
    Channel ch = openChannel();
    String q = uniqueName("qf");
    ch.queueDeclare(q, false, true, false, Map.of("x-message-ttl", 50, "x-dead-letter-exchange", ""));
    publish(ch, q, "m1");

    Thread.sleep(400);

    assertThat(ch.queueDeclarePassive(q).getMessageCount()).isZero();
  }

  // ---- queue lease ----

  @Test
  void shouldDeleteAQueueUnusedForItsExpiresTime() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-expires", 200));

    Thread.sleep(600);

    Assertions.assertThatThrownBy(() -> ch.queueDeclarePassive(q))
        .hasRootCauseInstanceOf(ShutdownSignalException.class)
        .rootCause().hasMessageContaining("NOT_FOUND");
  }

  @Test
  void shouldRenewTheLeaseWhenTheQueueIsDeclaredAgain() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-expires", 700));

    Thread.sleep(450);
    ch.queueDeclarePassive(q);
    Thread.sleep(450);

    assertThat(ch.queueDeclarePassive(q).getQueue()).isEqualTo(q);
  }

  @Test
  void shouldKeepALeasedQueueWhileItHasAConsumer() throws Exception {
    Channel ch = openChannel();
    String q = queue(ch, Map.of("x-expires", 200));
    ch.basicConsume(q, true, (tag, d) -> { }, tag -> { });

    Thread.sleep(600);

    assertThat(ch.queueDeclarePassive(q).getConsumerCount()).isEqualTo(1);
  }
}

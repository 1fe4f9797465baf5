package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.GetResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /api/queues, /api/exchanges and /api/bindings against a running broker, shapes as RabbitMQ 3.10's. */
class QueuesAndExchangesApiTest extends ManagementTestSupport {

  /** Fields of a queue in RabbitMQ 3.10's /api/queues (less idle_since, only present while idle). */
  static final List<String> QUEUE_FIELDS = List.of("arguments", "auto_delete", "backing_queue_status",
      "consumer_capacity", "consumer_utilisation", "consumers", "durable", "effective_policy_definition", "exclusive",
      "exclusive_consumer_tag", "garbage_collection", "head_message_timestamp", "memory", "message_bytes",
      "message_bytes_paged_out", "message_bytes_persistent", "message_bytes_ram", "message_bytes_ready",
      "message_bytes_unacknowledged", "message_stats", "messages", "messages_details", "messages_paged_out",
      "messages_persistent", "messages_ram", "messages_ready", "messages_ready_details", "messages_ready_ram",
      "messages_unacknowledged", "messages_unacknowledged_details", "messages_unacknowledged_ram", "name", "node",
      "operator_policy", "policy", "recoverable_slaves", "reductions", "reductions_details",
      "single_active_consumer_tag", "state", "type", "vhost");
  static final List<String> EXCHANGE_FIELDS = List.of("arguments", "auto_delete", "durable", "internal", "name",
      "type", "user_who_performed_action", "vhost");
  static final List<String> BINDING_FIELDS = List.of("source", "vhost", "destination", "destination_type",
      "routing_key", "arguments", "properties_key");

  private static String q(String name) {
    return "/api/queues/%2F/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  @Test
  void shouldListQueuesWithRabbitMqFieldsAndCounts() throws Exception {
    String name = unique("api-q");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(name, true, false, false, Map.of("x-max-length", 100));
    ch.confirmSelect();
    for (int i = 0; i < 3; i++) {
      ch.basicPublish("", name, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(5000);
    Channel consumerChannel = ch.getConnection().createChannel();
    consumerChannel.basicQos(1);
    consumerChannel.basicConsume(name, false, "api-ctag", new DefaultConsumer(consumerChannel));

    eventually(() -> {
      Map<String, Object> queue = get(q(name)).map();
      assertThat(queue).containsKeys(QUEUE_FIELDS.toArray(String[]::new))
          .containsKeys("consumer_details", "deliveries", "incoming");
      assertThat(queue).containsEntry("name", name).containsEntry("vhost", "/").containsEntry("durable", true)
          .containsEntry("messages", 3).containsEntry("messages_ready", 2).containsEntry("messages_unacknowledged", 1)
          .containsEntry("consumers", 1).containsEntry("arguments", Map.of("x-max-length", 100))
          .containsEntry("type", "classic").containsEntry("state", "running");
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = (Map<String, Object>) queue.get("message_stats");
      assertThat(stats).containsEntry("publish", 3).containsEntry("deliver", 1).containsEntry("deliver_get", 1)
          .containsKeys("publish_details", "ack", "ack_details", "get", "get_no_ack", "redeliver");
      assertThat(stats.get("publish_details")).isInstanceOf(Map.class);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> consumers = (List<Map<String, Object>>) queue.get("consumer_details");
      assertThat(consumers).singleElement().satisfies(c -> assertThat(c).containsEntry("consumer_tag", "api-ctag")
          .containsEntry("prefetch_count", 1).containsEntry("ack_required", true));
    });
    List<Map<String, Object>> all = get("/api/queues").list();
    assertThat(all).anySatisfy(m -> assertThat(m).containsEntry("name", name)
        .containsKeys(QUEUE_FIELDS.toArray(String[]::new)));
    assertThat(get("/api/queues/%2F").list()).anySatisfy(m -> assertThat(m).containsEntry("name", name));
  }

  @Test
  void shouldDeclareDeleteAndPurgeQueuesAsRabbitMqAnswers() throws Exception {
    String name = unique("api-put");
    assertThat(call("PUT", q(name), Map.of("durable", false, "arguments", Map.of("x-message-ttl", 60000))).status())
        .isEqualTo(201);
    assertThat(call("PUT", q(name), Map.of("durable", false, "arguments", Map.of("x-message-ttl", 60000))).status())
        .isEqualTo(204);
    Reply inequivalent = call("PUT", q(name), Map.of("durable", true));
    assertThat(inequivalent.status()).isEqualTo(400);
    assertThat(inequivalent.map()).isEqualTo(Map.of("error", "bad_request", "reason",
        "inequivalent arg 'durable' for queue '" + name + "' in vhost '/': received 'true' but current is 'false'"));
    Channel ch = amqp().createChannel();
    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(name);
    assertThat(ok.getMessageCount()).isZero();
    ch.basicPublish("", name, null, "x".getBytes(StandardCharsets.UTF_8));
    eventually(() -> assertThat(get(q(name)).map()).containsEntry("messages_ready", 1));
    assertThat(call("DELETE", q(name) + "/contents", null).status()).isEqualTo(204);
    assertThat(get(q(name)).map()).containsEntry("messages_ready", 0);
    assertThat(call("DELETE", q(name), null).status()).isEqualTo(204);
    Reply gone = call("DELETE", q(name), null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.map()).isEqualTo(Map.of("error", "Object Not Found", "reason", "Not Found"));
    assertThat(get(q(name)).status()).isEqualTo(404);
  }

  @Test
  void shouldPublishThroughTheApiAndGetWithEveryAckMode() throws Exception {
    String name = unique("api-pub");
    call("PUT", q(name), Map.of());
    Reply routed = call("POST", "/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", name,
        "properties", Map.of("delivery_mode", 2, "headers", Map.of("a", 1), "content_type", "text/plain"),
        "payload", "hello", "payload_encoding", "string"));
    assertThat(routed.status()).isEqualTo(200);
    assertThat(routed.map()).isEqualTo(Map.of("routed", true));
    call("POST", "/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", name, "properties", Map.of(),
        "payload", "AAEC/w==", "payload_encoding", "base64"));
    Reply unroutable = call("POST", "/api/exchanges/%2F/amq.direct/publish", Map.of("routing_key", "nowhere",
        "properties", Map.of(), "payload", "x", "payload_encoding", "string"));
    assertThat(unroutable.map()).isEqualTo(Map.of("routed", false));

    List<Map<String, Object>> peek = call("POST", q(name) + "/get", Map.of("count", 5, "ackmode", "ack_requeue_true",
        "encoding", "auto", "truncate", 50000)).list();
    assertThat(peek).hasSize(2);
    assertThat(peek.get(0)).containsEntry("payload", "hello").containsEntry("payload_encoding", "string")
        .containsEntry("payload_bytes", 5).containsEntry("redelivered", false).containsEntry("exchange", "")
        .containsEntry("routing_key", name).containsEntry("message_count", 1)
        .containsEntry("properties", Map.of("content_type", "text/plain", "headers", Map.of("a", 1),
            "delivery_mode", 2));
    assertThat(peek.get(1)).containsEntry("payload", "AAEC/w==").containsEntry("payload_encoding", "base64");

    List<Map<String, Object>> again = call("POST", q(name) + "/get", Map.of("count", 1, "ackmode",
        "reject_requeue_true", "encoding", "base64")).list();
    assertThat(again.get(0)).containsEntry("redelivered", true).containsEntry("payload", "aGVsbG8=");

    List<Map<String, Object>> taken = call("POST", q(name) + "/get", Map.of("count", 10, "ackmode",
        "ack_requeue_false", "encoding", "auto")).list();
    assertThat(taken).hasSize(2);
    assertThat(get(q(name)).map()).containsEntry("messages", 0);

    Reply missing = call("POST", q(name) + "/get", Map.of("count", 1));
    assertThat(missing.map()).isEqualTo(Map.of("error", "bad_request", "reason",
        "[{key_missing,ackmode},{key_missing,encoding}]"));
    String nope = unique("nope");
    Reply noExchange = call("POST", "/api/exchanges/%2F/" + nope + "/publish", Map.of("routing_key", "k",
        "properties", Map.of(), "payload", "x", "payload_encoding", "string"));
    // as RabbitMQ 3.10 answers: the channel error, with its code, as a 400
    assertThat(noExchange.status()).isEqualTo(400);
    assertThat(noExchange.map()).isEqualTo(Map.of("error", "bad_request", "reason",
        "404 NOT_FOUND - no exchange '" + nope + "' in vhost '/'"));
  }

  @Test
  void shouldMakeTheApiPublishVisibleToAmqpConsumers() throws Exception {
    String name = unique("api-seen");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(name, false, false, true, null);
    call("POST", "/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", name, "properties",
        Map.of("message_id", "m-1"), "payload", "through http", "payload_encoding", "string"));
    GetResponse got = ch.basicGet(name, true);
    assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("through http");
    assertThat(got.getProps().getMessageId()).isEqualTo("m-1");
    Reply impersonating = call("POST", "/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", name,
        "properties", Map.of("user_id", "someone-else"), "payload", "x", "payload_encoding", "string"));
    assertThat(impersonating.map()).isEqualTo(Map.of("error", "bad_request", "reason", "406 PRECONDITION_FAILED - "
        + "user_id property set to 'someone-else' but authenticated user was 'guest'"));
  }

  @Test
  void shouldDeclareListAndDeleteExchanges() throws Exception {
    String name = unique("api-x");
    String path = "/api/exchanges/%2F/" + name;
    assertThat(call("PUT", path, Map.of("type", "topic", "durable", true,
        "arguments", Map.of("alternate-exchange", "amq.fanout"))).status()).isEqualTo(201);
    assertThat(call("PUT", path, Map.of("type", "topic", "durable", true,
        "arguments", Map.of("alternate-exchange", "amq.fanout"))).status()).isEqualTo(204);
    Map<String, Object> x = get(path).map();
    assertThat(x).containsKeys(EXCHANGE_FIELDS.toArray(String[]::new)).containsKeys("incoming", "outgoing")
        .containsEntry("type", "topic").containsEntry("durable", true)
        .containsEntry("arguments", Map.of("alternate-exchange", "amq.fanout"));
    List<Map<String, Object>> all = get("/api/exchanges/%2F").list();
    assertThat(all).anySatisfy(e -> assertThat(e).containsEntry("name", "").containsEntry("type", "direct"));
    assertThat(all).anySatisfy(e -> assertThat(e).containsEntry("name", "amq.topic")
        .containsEntry("user_who_performed_action", "rmq-internal"));
    assertThat(all).anySatisfy(e -> assertThat(e).containsEntry("name", name));

    Reply system = call("DELETE", "/api/exchanges/%2F/amq.direct", null);
    assertThat(system.status()).isEqualTo(401);
    assertThat(system.map()).containsEntry("error", "not_authorised").containsEntry("reason", "Access refused.");
    assertThat(call("DELETE", path, null).status()).isEqualTo(204);
    assertThat(get(path).status()).isEqualTo(404);
    Reply badType = call("PUT", path, Map.of("type", "bogus"));
    assertThat(badType.status()).isEqualTo(400);
    assertThat(badType.map()).containsEntry("reason", "unknown exchange type 'bogus'");
  }

  @Test
  void shouldCreateListAndDeleteBindingsByPropertiesKey() throws Exception {
    String x = unique("api-bx");
    String queue = unique("api-bq");
    call("PUT", "/api/exchanges/%2F/" + x, Map.of("type", "topic"));
    call("PUT", q(queue), Map.of());
    String base = "/api/bindings/%2F/e/" + x + "/q/" + queue;
    Reply created = call("POST", base, Map.of("routing_key", "a.#", "arguments", Map.of("k", "v")));
    assertThat(created.status()).isEqualTo(201);
    String props = created.headers().firstValue("location").orElseThrow();
    assertThat(props).startsWith("a.%23~");
    call("POST", base, Map.of("routing_key", "b.*"));

    List<Map<String, Object>> between = get(base).list();
    assertThat(between).hasSize(2).allSatisfy(b -> assertThat(b).containsKeys(BINDING_FIELDS.toArray(String[]::new)));
    assertThat(between).anySatisfy(b -> assertThat(b).containsEntry("routing_key", "b.*")
        .containsEntry("properties_key", "b.%2A").containsEntry("destination_type", "queue"));
    assertThat(get("/api/queues/%2F/" + queue + "/bindings").list()).hasSize(3)
        .anySatisfy(b -> assertThat(b).containsEntry("source", "").containsEntry("routing_key", queue)
            .containsEntry("properties_key", queue));
    assertThat(get("/api/exchanges/%2F/" + x + "/bindings/source").list()).hasSize(2);
    assertThat(get("/api/bindings/%2F").list()).anySatisfy(b -> assertThat(b).containsEntry("source", x));

    Channel ch = amqp().createChannel();
    ch.basicPublish(x, "a.z", null, new byte[0]);
    eventually(() -> assertThat(get(q(queue)).map()).containsEntry("messages", 1));

    assertThat(get(base + "/" + URLEncoder.encode(props, StandardCharsets.UTF_8)).map())
        .containsEntry("routing_key", "a.#").containsEntry("arguments", Map.of("k", "v"));
    assertThat(call("DELETE", base + "/" + URLEncoder.encode(props, StandardCharsets.UTF_8), null).status())
        .isEqualTo(204);
    assertThat(get(base).list()).hasSize(1);
    assertThat(call("DELETE", base + "/nope", null).status()).isEqualTo(404);

    String x2 = unique("api-bx2");
    call("PUT", "/api/exchanges/%2F/" + x2, Map.of("type", "fanout"));
    assertThat(call("POST", "/api/bindings/%2F/e/" + x + "/e/" + x2, Map.of("routing_key", "k")).status())
        .isEqualTo(201);
    assertThat(get("/api/exchanges/%2F/" + x2 + "/bindings/destination").list()).singleElement()
        .satisfies(b -> assertThat(b).containsEntry("destination_type", "exchange").containsEntry("source", x));
    assertThat(call("POST", "/api/bindings/%2F/e/" + unique("none") + "/q/" + queue, Map.of()).status())
        .isEqualTo(404);
  }

  @Test
  void shouldCountRatesAndTotalsAcrossTheVhost() throws Exception {
    String name = unique("api-rate");
    Connection c = amqp();
    Channel ch = c.createChannel();
    ch.queueDeclare(name, false, false, true, null);
    for (int i = 0; i < 4; i++) {
      ch.basicPublish("", name, null, new byte[10]);
    }
    eventually(() -> assertThat(get(q(name)).map()).containsEntry("messages_ready", 4)
        .containsEntry("message_bytes_ready", 40));
    ch.basicGet(name, true);
    GetResponse manual = ch.basicGet(name, false);
    ch.basicAck(manual.getEnvelope().getDeliveryTag(), false);
    eventually(() -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = (Map<String, Object>) get(q(name)).map().get("message_stats");
      assertThat(stats).containsEntry("publish", 4).containsEntry("get_no_ack", 1).containsEntry("get", 1)
          .containsEntry("ack", 1).containsEntry("deliver_get", 2);
    });
    @SuppressWarnings("unchecked")
    Map<String, Object> vhostStats = (Map<String, Object>) get("/api/vhosts/%2F").map().get("message_stats");
    assertThat(((Number) vhostStats.get("publish")).longValue()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldCountWhatGoesInAndOutOfAnExchange() throws Exception {
    String x = unique("api-x-stats");
    String q1 = unique("api-x-q1");
    String q2 = unique("api-x-q2");
    Channel ch = amqp().createChannel();
    ch.exchangeDeclare(x, "fanout", false, true, null);
    ch.queueDeclare(q1, false, false, true, null);
    ch.queueDeclare(q2, false, false, true, null);
    ch.queueBind(q1, x, "");
    ch.queueBind(q2, x, "");
    assertThat(get("/api/exchanges/%2F/" + x).map()).doesNotContainKey("message_stats"); // nothing yet
    for (int i = 0; i < 3; i++) {
      ch.basicPublish(x, "", null, new byte[1]);
    }
    ch.basicPublish("", q1, null, new byte[1]);
    eventually(() -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = (Map<String, Object>) get("/api/exchanges/%2F/" + x).map().get("message_stats");
      assertThat(stats).containsEntry("publish_in", 3).containsEntry("publish_out", 6)
          .containsKeys("publish_in_details", "publish_out_details");
    });
    eventually(() -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = (Map<String, Object>) get("/api/exchanges/%2F/amq.default").map()
          .get("message_stats");
      assertThat(((Number) stats.get("publish_in")).longValue()).isPositive();
    });
  }

  @Test
  void shouldAcceptRabbitMqListingParameters() throws Exception {
    String name = unique("api-cols");
    call("PUT", q(name), Map.of());
    List<Map<String, Object>> columns = get("/api/queues/%2F?columns=name,messages,message_stats.publish").list();
    assertThat(columns).anySatisfy(m -> assertThat(m.keySet()).containsOnly("name", "messages", "message_stats"));
    Map<String, Object> page = get("/api/queues/%2F?page=1&page_size=1&name=" + name).map();
    assertThat(page).containsKeys("filtered_count", "item_count", "items", "page", "page_count", "page_size",
        "total_count").containsEntry("filtered_count", 1).containsEntry("page", 1);
  }
}

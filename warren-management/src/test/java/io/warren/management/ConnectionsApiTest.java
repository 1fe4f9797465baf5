package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.ShutdownSignalException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** /api/connections, /api/channels and /api/consumers, with the fields RabbitMQ 3.10 reports. */
class ConnectionsApiTest extends ManagementTestSupport {

  static final List<String> CONNECTION_FIELDS = List.of("auth_mechanism", "channel_max", "channels",
      "client_properties", "connected_at", "frame_max", "garbage_collection", "host", "name", "node",
      "peer_cert_issuer", "peer_cert_subject", "peer_cert_validity", "peer_host", "peer_port", "port", "protocol",
      "recv_cnt", "recv_oct", "recv_oct_details", "reductions", "reductions_details", "send_cnt", "send_oct",
      "send_oct_details", "send_pend", "ssl", "ssl_cipher", "ssl_hash", "ssl_key_exchange", "ssl_protocol", "state",
      "timeout", "type", "user", "user_provided_name", "user_who_performed_action", "vhost");
  static final List<String> CHANNEL_FIELDS = List.of("acks_uncommitted", "confirm", "connection_details",
      "consumer_count", "garbage_collection", "global_prefetch_count", "message_stats", "messages_unacknowledged",
      "messages_uncommitted", "messages_unconfirmed", "name", "node", "number", "pending_raft_commands",
      "prefetch_count", "reductions", "reductions_details", "state", "transactional", "user",
      "user_who_performed_action", "vhost");
  static final List<String> CONSUMER_FIELDS = List.of("ack_required", "active", "activity_status", "arguments",
      "channel_details", "consumer_tag", "exclusive", "prefetch_count", "queue");

  private Connection named(String connectionName) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(embedded.port());
    cf.setAutomaticRecoveryEnabled(false);
    Connection c = cf.newConnection(connectionName);
    return c;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> findConnection(String userProvidedName) throws Exception {
    for (Map<String, Object> c : get("/api/connections").list()) {
      if (userProvidedName.equals(c.get("user_provided_name"))) {
        return c;
      }
    }
    throw new AssertionError("no connection named " + userProvidedName);
  }

  @Test
  void shouldListConnectionsChannelsAndConsumers() throws Exception {
    String label = unique("conn");
    Connection c = named(label);
    try {
      Channel ch = c.createChannel();
      ch.confirmSelect();
      Channel consumerChannel = c.createChannel();
      consumerChannel.basicQos(7);
      String queue = consumerChannel.queueDeclare().getQueue();
      consumerChannel.basicConsume(queue, false, "conn-ctag", new DefaultConsumer(consumerChannel));

      Map<String, Object> conn = findConnection(label);
      assertThat(conn).containsKeys(CONNECTION_FIELDS.toArray(String[]::new)).containsEntry("user", "guest")
          .containsEntry("vhost", "/").containsEntry("protocol", "AMQP 0-9-1").containsEntry("auth_mechanism", "PLAIN")
          .containsEntry("state", "running").containsEntry("channels", 2).containsEntry("type", "network")
          .containsEntry("port", embedded.port()).containsEntry("peer_host", "127.0.0.1");
      // the handshake alone moved a few hundred bytes each way
      assertThat(((Number) conn.get("recv_oct")).longValue()).isGreaterThan(100);
      assertThat(((Number) conn.get("send_oct")).longValue()).isGreaterThan(100);
      assertThat(((Number) conn.get("recv_cnt")).longValue()).isPositive();
      assertThat(((Number) conn.get("send_cnt")).longValue()).isPositive();
      String name = (String) conn.get("name");
      assertThat(name).matches("127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + embedded.port());
      @SuppressWarnings("unchecked")
      Map<String, Object> props = (Map<String, Object>) conn.get("client_properties");
      assertThat(props).containsEntry("product", "RabbitMQ").containsKey("capabilities");

      String path = "/api/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
      assertThat(get(path).map()).containsEntry("name", name);
      List<Map<String, Object>> channels = get(path + "/channels").list();
      assertThat(channels).hasSize(2).allSatisfy(m -> assertThat(m).containsKeys(CHANNEL_FIELDS.toArray(String[]::new)));
      assertThat(channels.get(0)).containsEntry("name", name + " (1)").containsEntry("confirm", true)
          .containsEntry("number", 1);
      assertThat(channels.get(1)).containsEntry("prefetch_count", 7).containsEntry("consumer_count", 1);
      assertThat(get("/api/channels").list()).anySatisfy(m -> assertThat(m).containsEntry("name", name + " (2)"));
      Map<String, Object> channel = get("/api/channels/" + URLEncoder.encode(name + " (2)", StandardCharsets.UTF_8)
          .replace("+", "%20")).map();
      assertThat(channel).containsKeys("consumer_details", "deliveries", "publishes");

      List<Map<String, Object>> consumers = get("/api/consumers/%2F").list();
      assertThat(consumers).anySatisfy(m -> {
        assertThat(m).containsKeys(CONSUMER_FIELDS.toArray(String[]::new)).containsEntry("consumer_tag", "conn-ctag")
            .containsEntry("queue", Map.of("name", queue, "vhost", "/"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) m.get("channel_details");
        assertThat(details).containsEntry("connection_name", name).containsEntry("name", name + " (2)")
            .containsEntry("number", 2).containsEntry("user", "guest");
      });
      assertThat(get("/api/queues/%2F/" + queue).map()).containsEntry("exclusive", true)
          .extractingByKey("owner_pid_details").isEqualTo(Map.of("name", name, "peer_host", "127.0.0.1",
              "peer_port", conn.get("peer_port")));
    } finally {
      c.abort();
    }
  }

  @Test
  void shouldCloseAConnectionWith320AndTheGivenReason() throws Exception {
    String label = unique("doomed");
    Connection c = named(label);
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    c.addShutdownListener(closed::complete);
    String name = (String) findConnection(label).get("name");
    String path = "/api/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + management.port() + path))
        .header("Authorization", "Basic Z3Vlc3Q6Z3Vlc3Q=").header("X-Reason", "go away").DELETE().build();
    int status = java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    assertThat(status).isEqualTo(204);
    AMQP.Connection.Close close = (AMQP.Connection.Close) closed.get(5, TimeUnit.SECONDS).getReason();
    assertThat(close.getReplyCode()).isEqualTo(320);
    assertThat(close.getReplyText()).isEqualTo("CONNECTION_FORCED - go away");
    assertThat(call("DELETE", path, null).status()).isEqualTo(404);
  }

  @Test
  void shouldShowOnlyTheirOwnConnectionsToManagementUsers() throws Exception {
    String user = unique("owner");
    call("PUT", "/api/users/" + user, Map.of("password", "pw", "tags", "management"));
    call("PUT", "/api/permissions/%2F/" + user, Map.of("configure", ".*", "write", ".*", "read", ".*"));
    amqp();
    Connection own = amqp(user, "pw", "/");
    assertThat(own.isOpen()).isTrue();
    List<Map<String, Object>> seen = callAs(user, "pw", "GET", "/api/connections", null).list();
    assertThat(seen).isNotEmpty().allSatisfy(c -> assertThat(c).containsEntry("user", user));
    String guests = (String) get("/api/connections").list().stream().filter(c -> "guest".equals(c.get("user")))
        .findFirst().orElseThrow().get("name");
    Reply refused = callAs(user, "pw", "DELETE", "/api/connections/"
        + URLEncoder.encode(guests, StandardCharsets.UTF_8).replace("+", "%20"), null);
    assertThat(refused.map()).isEqualTo(Map.of("error", "not_authorised", "reason",
        "User not authorised to access object"));
  }
}

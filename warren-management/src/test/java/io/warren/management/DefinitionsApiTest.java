package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /api/definitions: RabbitMQ's export format, and imports of files RabbitMQ wrote. */
class DefinitionsApiTest extends ManagementTestSupport {

  /** The password hash RabbitMQ 3.10 stored for guest/guest, copied from its export. */
  private static final String RABBITMQ_GUEST_HASH = "5oSPV1yQ6WEUTNk22VyjYy/jYWdITOWNbluTRIfSpQ4/hRfY";

  @Test
  void shouldExportInRabbitMqsFormat() throws Exception {
    String queue = unique("def-q");
    String exchange = unique("def-x");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(queue, true, false, false, Map.of("x-max-length", 10));
    ch.exchangeDeclare(exchange, "topic", true);
    ch.queueBind(queue, exchange, "a.#", Map.of("k", "v"));
    ch.queueDeclare("", false, true, true, null); // exclusive: not exported

    Map<String, Object> defs = get("/api/definitions").map();
    assertThat(defs).containsKeys("rabbit_version", "rabbitmq_version", "product_name", "product_version", "users",
        "vhosts", "permissions", "topic_permissions", "parameters", "global_parameters", "policies", "queues",
        "exchanges", "bindings");
    assertThat(defs.get("users")).asList().anySatisfy(u -> assertThat(ManagementTestSupport.asMap(u))
        .containsEntry("name", "guest").containsEntry("hashing_algorithm", "rabbit_password_hashing_sha256")
        .containsEntry("tags", List.of("administrator")).containsKeys("password_hash", "limits"));
    assertThat(defs.get("vhosts")).asList().contains(Map.of("name", "/"));
    assertThat(defs.get("permissions")).asList().contains(Map.of("user", "guest", "vhost", "/", "configure", ".*",
        "write", ".*", "read", ".*"));
    assertThat(defs.get("queues")).asList().contains(Map.of("name", queue, "vhost", "/", "durable", true,
        "auto_delete", false, "arguments", Map.of("x-max-length", 10)));
    assertThat(defs.get("queues")).asList().noneSatisfy(q -> assertThat(((Map<?, ?>) q).get("name").toString())
        .startsWith("amq.gen"));
    assertThat(defs.get("exchanges")).asList().contains(Map.of("name", exchange, "vhost", "/", "type", "topic",
        "durable", true, "auto_delete", false, "internal", false, "arguments", Map.of()));
    assertThat(defs.get("exchanges")).asList().noneSatisfy(x -> assertThat(((Map<?, ?>) x).get("name").toString())
        .startsWith("amq."));
    assertThat(defs.get("bindings")).asList().contains(Map.of("source", exchange, "vhost", "/", "destination", queue,
        "destination_type", "queue", "routing_key", "a.#", "arguments", Map.of("k", "v")));

    Map<String, Object> vhostOnly = get("/api/definitions/%2F").map();
    assertThat(vhostOnly).doesNotContainKeys("users", "vhosts", "permissions");
    assertThat(vhostOnly.get("queues")).asList().contains(Map.of("name", queue, "durable", true,
        "auto_delete", false, "arguments", Map.of("x-max-length", 10)));
  }

  @Test
  void shouldImportAFileRabbitMqExportedAndRoundTripIt() throws Exception {
    String vhost = unique("imported-vhost");
    String user = unique("imported-user");
    Map<String, Object> file = new java.util.LinkedHashMap<>();
    file.put("rabbit_version", "3.10.8");
    file.putAll(Map.of(
        "users", List.of(Map.of("name", user, "password_hash", RABBITMQ_GUEST_HASH,
            "hashing_algorithm", "rabbit_password_hashing_sha256", "tags", List.of("management"), "limits", Map.of())),
        "vhosts", List.of(Map.of("name", vhost)),
        "permissions", List.of(Map.of("user", user, "vhost", vhost, "configure", ".*", "write", ".*", "read", ".*")),
        "topic_permissions", List.of(), "parameters", List.of(), "global_parameters", List.of(),
        "policies", List.of(Map.of("vhost", vhost, "name", "p", "pattern", ".*", "definition", Map.of())),
        "queues", List.of(Map.of("name", "q1", "vhost", vhost, "durable", true, "auto_delete", false,
            "arguments", Map.of("x-queue-type", "classic"))),
        "exchanges", List.of(Map.of("name", "x1", "vhost", vhost, "type", "direct", "durable", true,
            "auto_delete", false, "internal", false, "arguments", Map.of())),
        "bindings", List.of(Map.of("source", "x1", "vhost", vhost, "destination", "q1", "destination_type", "queue",
            "routing_key", "k", "arguments", Map.of()))));
    assertThat(call("POST", "/api/definitions", file).status()).isEqualTo(204);

    // RabbitMQ's hash of "guest" logs the imported user in with that password, over HTTP and AMQP
    assertThat(callAs(user, "guest", "GET", "/api/whoami", null).status()).isEqualTo(200);
    Channel ch = amqp(user, "guest", vhost).createChannel();
    ch.basicPublish("x1", "k", null, "routed".getBytes());
    eventually(() -> assertThat(get("/api/queues/" + vhost + "/q1").map()).containsEntry("messages", 1));

    Map<String, Object> exported = get("/api/definitions").map();
    assertThat(exported.get("users")).asList().anySatisfy(u -> assertThat(ManagementTestSupport.asMap(u))
        .containsEntry("name", user).containsEntry("password_hash", RABBITMQ_GUEST_HASH));
    call("DELETE", "/api/vhosts/" + vhost, null);
    call("DELETE", "/api/users/" + user, null);
    assertThat(call("POST", "/api/definitions", exported).status()).isEqualTo(204);
    assertThat(get("/api/queues/" + vhost + "/q1").map()).containsEntry("durable", true);
    assertThat(get("/api/bindings/" + vhost + "/e/x1/q/q1").list()).singleElement()
        .satisfies(b -> assertThat(b).containsEntry("routing_key", "k"));
    assertThat(callAs(user, "guest", "GET", "/api/whoami", null).status()).isEqualTo(200);
  }

  @Test
  void shouldRefuseImportsItCannotHonour() throws Exception {
    Reply sha512 = call("POST", "/api/definitions", Map.of("users", List.of(Map.of("name", unique("u"),
        "password_hash", RABBITMQ_GUEST_HASH, "hashing_algorithm", "rabbit_password_hashing_sha512", "tags", ""))));
    assertThat(sha512.status()).isEqualTo(400);
    Reply noVhost = call("POST", "/api/definitions", Map.of("queues", List.of(Map.of("name", "q",
        "vhost", unique("absent"), "durable", true, "auto_delete", false, "arguments", Map.of()))));
    assertThat(noVhost.status()).isEqualTo(400);
    assertThat(callAs("guest", "guest", "POST", "/api/definitions", "not json").status()).isEqualTo(400);
  }
}

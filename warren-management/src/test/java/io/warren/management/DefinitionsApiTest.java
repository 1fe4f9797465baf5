package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
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

  /** RabbitMQ's salted hash: base64(salt ‖ digest(salt ‖ UTF-8 password)) with a 4-byte salt. */
  private static String rabbitHash(String digest, String password) throws Exception {
    byte[] salt = new byte[4];
    new java.security.SecureRandom().nextBytes(salt);
    MessageDigest md = MessageDigest.getInstance(digest);
    md.update(salt);
    byte[] hash = md.digest(password.getBytes(StandardCharsets.UTF_8));
    byte[] saltAndHash = java.util.Arrays.copyOf(salt, 4 + hash.length);
    System.arraycopy(hash, 0, saltAndHash, 4, hash.length);
    return Base64.getEncoder().encodeToString(saltAndHash);
  }

  @Test
  void shouldImportEachOfRabbitMqsHashingAlgorithmsAndExportItBack() throws Exception {
    Map<String, String> digests = Map.of("rabbit_password_hashing_md5", "MD5",
        "rabbit_password_hashing_sha256", "SHA-256", "rabbit_password_hashing_sha512", "SHA-512");
    Map<String, String> hashes = new java.util.HashMap<>();
    List<Object> users = new ArrayList<>();
    List<Object> permissions = new ArrayList<>();
    for (Map.Entry<String, String> algorithm : digests.entrySet()) {
      String user = unique(algorithm.getValue().toLowerCase(java.util.Locale.ROOT));
      String hash = rabbitHash(algorithm.getValue(), "pässword-" + user);
      hashes.put(user, algorithm.getKey() + " " + hash);
      users.add(Map.of("name", user, "password_hash", hash, "hashing_algorithm", algorithm.getKey(),
          "tags", List.of("management"), "limits", Map.of()));
      permissions.add(Map.of("user", user, "vhost", "/", "configure", ".*", "write", ".*", "read", ".*"));
    }
    assertThat(call("POST", "/api/definitions", Map.of("users", users, "permissions", permissions)).status())
        .isEqualTo(204);

    for (String user : hashes.keySet()) {
      Connection c = amqp(user, "pässword-" + user, "/");
      assertThat(c.isOpen()).as(hashes.get(user)).isTrue();
      assertThatThrownBy(() -> amqp(user, "wrong", "/")).as(hashes.get(user))
          .isInstanceOf(AuthenticationFailureException.class);
      assertThat(callAs(user, "pässword-" + user, "GET", "/api/whoami", null).status()).isEqualTo(200);
    }
    List<Object> exported = asList(get("/api/definitions").map().get("users"));
    for (String user : hashes.keySet()) {
      String[] algorithmAndHash = hashes.get(user).split(" ");
      assertThat(exported).anySatisfy(u -> assertThat(asMap(u)).containsEntry("name", user)
          .containsEntry("hashing_algorithm", algorithmAndHash[0]).containsEntry("password_hash", algorithmAndHash[1]));
      assertThat(get("/api/users/" + user).map()).containsEntry("hashing_algorithm", algorithmAndHash[0]);
      call("DELETE", "/api/users/" + user, null);
    }
  }

  @Test
  void shouldRefuseImportsItCannotHonour() throws Exception {
    Reply unknownAlgorithm = call("POST", "/api/definitions", Map.of("users", List.of(Map.of("name", unique("u"),
        "password_hash", RABBITMQ_GUEST_HASH, "hashing_algorithm", "rabbit_password_hashing_sha3", "tags", ""))));
    assertThat(unknownAlgorithm.status()).isEqualTo(400);
    Reply noVhost = call("POST", "/api/definitions", Map.of("queues", List.of(Map.of("name", "q",
        "vhost", unique("absent"), "durable", true, "auto_delete", false, "arguments", Map.of()))));
    assertThat(noVhost.status()).isEqualTo(400);
    assertThat(callAs("guest", "guest", "POST", "/api/definitions", "not json").status()).isEqualTo(400);
  }

  /** Everything an import may change, as the export shows it (hashes included). */
  private static Map<String, Object> state() throws Exception {
    Map<String, Object> all = new java.util.HashMap<>(get("/api/definitions").map());
    all.keySet().retainAll(List.of("users", "vhosts", "permissions", "queues", "exchanges", "bindings"));
    return all;
  }

  @Test
  void shouldLeaveEverythingAsItWasWhenAnImportFails() throws Exception {
    String existingUser = unique("kept");
    call("PUT", "/api/users/" + existingUser, Map.of("password", "old", "tags", "management"));
    call("PUT", "/api/permissions/%2F/" + existingUser, Map.of("configure", "^kept$", "write", ".*", "read", ".*"));
    String existingQueue = unique("kept-q");
    amqp().createChannel().queueDeclare(existingQueue, true, false, false, Map.of("x-max-length", 5));
    Map<String, Object> before = state();
    Object defaultVhostDescription = get("/api/vhosts/%2F").map().get("description");

    String vhost = unique("half");
    String user = unique("half-user");
    List<Map<String, Object>> goodQueues = List.of(
        Map.of("name", "new-q", "vhost", "/", "durable", true, "auto_delete", false, "arguments", Map.of()),
        Map.of("name", "q-in-new-vhost", "vhost", vhost, "durable", true, "auto_delete", false, "arguments", Map.of()));
    Map<String, Object> valid = new java.util.HashMap<>(Map.of(
        "users", List.of(Map.of("name", user, "password", "x", "tags", ""),
            Map.of("name", existingUser, "password", "new", "tags", "administrator")),
        "vhosts", List.of(Map.of("name", vhost), Map.of("name", "/", "description", "changed")),
        "permissions", List.of(Map.of("user", user, "vhost", vhost, "configure", ".*", "write", ".*", "read", ".*"),
            Map.of("user", existingUser, "vhost", "/", "configure", ".*", "write", ".*", "read", ".*")),
        "queues", goodQueues,
        "exchanges", List.of(Map.of("name", "new-x", "vhost", "/", "type", "topic", "durable", true,
            "auto_delete", false, "internal", false, "arguments", Map.of())),
        "bindings", List.of(Map.of("source", "new-x", "vhost", "/", "destination", "new-q",
            "destination_type", "queue", "routing_key", "#", "arguments", Map.of()),
            Map.of("source", "amq.direct", "vhost", "/", "destination", existingQueue,
            "destination_type", "queue", "routing_key", "k", "arguments", Map.of()))));

    // each of these spoils an otherwise valid file at its very end
    Map<String, Map<String, Object>> spoilers = new java.util.LinkedHashMap<>();
    spoilers.put("binding to a missing queue", Map.of("bindings", Map.of("source", "new-x", "vhost", "/",
        "destination", "absent-q", "destination_type", "queue", "routing_key", "", "arguments", Map.of())));
    spoilers.put("inequivalent existing queue", Map.of("queues", Map.of("name", existingQueue, "vhost", "/",
        "durable", true, "auto_delete", false, "arguments", Map.of("x-max-length", 6))));
    spoilers.put("unknown exchange type", Map.of("exchanges", Map.of("name", "bad-x", "vhost", "/",
        "type", "no-such-type", "durable", true, "auto_delete", false, "internal", false, "arguments", Map.of())));
    spoilers.put("invalid permission regex", Map.of("permissions", Map.of("user", user, "vhost", "/",
        "configure", "(", "write", "", "read", "")));
    spoilers.put("the same new queue twice, inequivalent", Map.of("queues", Map.of("name", "new-q", "vhost", "/",
        "durable", false, "auto_delete", false, "arguments", Map.of())));
    for (Map.Entry<String, Map<String, Object>> spoiler : spoilers.entrySet()) {
      Map<String, Object> file = new java.util.HashMap<>(valid);
      spoiler.getValue().forEach((section, item) -> {
        List<Object> items = new ArrayList<>(asList(file.get(section)));
        items.add(item);
        file.put(section, items);
      });
      Reply r = call("POST", "/api/definitions", file);
      assertThat(r.status()).as(spoiler.getKey()).isEqualTo(400);
      assertThat(r.map()).as(spoiler.getKey()).containsEntry("error", "bad_request");
      assertThat(state()).as(spoiler.getKey()).isEqualTo(before);
      assertThat(get("/api/vhosts/%2F").map()).as(spoiler.getKey())
          .containsEntry("description", defaultVhostDescription);
    }
    assertThat(callAs(existingUser, "old", "GET", "/api/whoami", null).map()).containsEntry("tags",
        List.of("management"));
    assertThat(get("/api/vhosts/" + vhost).status()).isEqualTo(404);

    // and the file without a spoiler applies whole
    assertThat(call("POST", "/api/definitions", valid).status()).isEqualTo(204);
    assertThat(get("/api/queues/" + vhost + "/q-in-new-vhost").status()).isEqualTo(200);
    assertThat(get("/api/bindings/%2F/e/new-x/q/new-q").list()).hasSize(1);
    assertThat(callAs(existingUser, "new", "GET", "/api/whoami", null).status()).isEqualTo(200);
    call("DELETE", "/api/vhosts/" + vhost, null);
    call("DELETE", "/api/queues/%2F/new-q", null);
    call("DELETE", "/api/exchanges/%2F/new-x", null);
    call("DELETE", "/api/users/" + user, null);
    call("DELETE", "/api/users/" + existingUser, null);
    call("PUT", "/api/vhosts/%2F", Map.of("description", defaultVhostDescription));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object o) {
    return (List<Object>) o;
  }
}

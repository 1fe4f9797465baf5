package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP basic auth with the broker's users and RabbitMQ's tag rules, and the users, vhosts and
 * permissions resources; the error bodies are RabbitMQ 3.10's, observed on a live node.
 */
class AccessApiTest extends ManagementTestSupport {

  private static String createUser(String tags) throws Exception {
    String name = unique("user");
    assertThat(call("PUT", "/api/users/" + name, Map.of("password", "pw", "tags", tags)).status()).isEqualTo(201);
    return name;
  }

  @Test
  void shouldAskForCredentialsWithRabbitMqsRealm() throws Exception {
    Reply r = callAs(null, null, "GET", "/api/overview", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"RabbitMQ Management\"");
    assertThat(r.text()).isEmpty();
  }

  @Test
  void shouldRefuseWrongPasswordAsLoginFailed() throws Exception {
    Reply r = callAs("guest", "wrong", "GET", "/api/overview", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.map()).isEqualTo(Map.of("error", "not_authorized", "reason", "Login failed"));
    assertThat(r.headers().firstValue("www-authenticate")).isPresent();
  }

  @Test
  void shouldRefuseUsersWithoutAManagementTag() throws Exception {
    String name = createUser("");
    Reply r = callAs(name, "pw", "GET", "/api/whoami", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.map()).isEqualTo(Map.of("error", "not_authorised", "reason", "Not management user"));
  }

  @Test
  void shouldApplyRabbitMqsTagRules() throws Exception {
    String management = createUser("management");
    String monitoring = createUser("monitoring");
    assertThat(callAs(management, "pw", "GET", "/api/whoami", null).map())
        .isEqualTo(Map.of("name", management, "tags", List.of("management")));
    assertThat(callAs(management, "pw", "GET", "/api/overview", null).status()).isEqualTo(200);
    assertThat(callAs(management, "pw", "GET", "/api/users", null).map())
        .isEqualTo(Map.of("error", "not_authorised", "reason", "Not administrator user"));
    assertThat(callAs(management, "pw", "GET", "/api/nodes", null).map())
        .isEqualTo(Map.of("error", "not_authorised", "reason", "Not monitor user"));
    assertThat(callAs(monitoring, "pw", "GET", "/api/nodes", null).status()).isEqualTo(200);
    assertThat(callAs(monitoring, "pw", "GET", "/api/definitions", null).status()).isEqualTo(401);

    // a management user sees and uses only the vhosts it has permissions in
    assertThat(callAs(management, "pw", "GET", "/api/vhosts", null).list()).isEmpty();
    assertThat(callAs(management, "pw", "GET", "/api/queues/%2F", null).map())
        .isEqualTo(Map.of("error", "not_authorised", "reason", "User not authorised to access virtual host"));
    assertThat(callAs(monitoring, "pw", "GET", "/api/vhosts", null).list())
        .anySatisfy(v -> assertThat(v).containsEntry("name", "/"));
    call("PUT", "/api/permissions/%2F/" + management, Map.of("configure", "^mine-", "write", ".*", "read", ".*"));
    assertThat(callAs(management, "pw", "GET", "/api/queues/%2F", null).status()).isEqualTo(200);
    assertThat(callAs(management, "pw", "PUT", "/api/queues/%2F/" + unique("mine"), Map.of()).status())
        .isEqualTo(201);
    Reply refused = callAs(management, "pw", "PUT", "/api/queues/%2F/" + unique("theirs"), Map.of());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.map()).isEqualTo(Map.of("error", "not_authorised", "reason", "Access refused."));
  }

  /**
   * RabbitMQ's filter_vhost: a monitoring user learns of every vhost and sees every connection,
   * but lists queues, exchanges and bindings only of the vhosts it has permissions in.
   */
  @Test
  void shouldShowAMonitoringUserOnlyTheObjectsOfItsOwnVhosts() throws Exception {
    String monitoring = createUser("monitoring");
    String mine = unique("mon-mine");
    String theirs = unique("mon-theirs");
    for (String vhost : List.of(mine, theirs)) {
      assertThat(call("PUT", "/api/vhosts/" + vhost, null).status()).isEqualTo(201);
      Channel ch = amqp("guest", "guest", vhost).createChannel();
      ch.exchangeDeclare("x-" + vhost, "direct");
      ch.queueDeclare("q-" + vhost, false, false, false, null);
      ch.queueBind("q-" + vhost, "x-" + vhost, "k");
      ch.basicConsume("q-" + vhost, true, (tag, m) -> { }, tag -> { });
    }
    call("PUT", "/api/permissions/" + mine + "/" + monitoring, Map.of("configure", ".*", "write", ".*", "read", ".*"));

    for (String listing : List.of("/api/queues", "/api/exchanges", "/api/bindings")) {
      List<Map<String, Object>> seen = callAs(monitoring, "pw", "GET", listing, null).list();
      assertThat(seen).as(listing).anySatisfy(o -> assertThat(o).containsEntry("vhost", mine));
      assertThat(seen).as(listing).noneSatisfy(o -> assertThat(o).containsEntry("vhost", theirs));
      assertThat(callAs(monitoring, "pw", "GET", listing + "/" + theirs, null).map()).as(listing)
          .isEqualTo(Map.of("error", "not_authorised", "reason", "User not authorised to access virtual host"));
    }
    assertThat(callAs(monitoring, "pw", "GET", "/api/queues/" + theirs + "/q-" + theirs, null).status())
        .isEqualTo(401);
    // what monitoring adds: every vhost's name, everyone's connections, channels and consumers
    assertThat(callAs(monitoring, "pw", "GET", "/api/vhosts", null).list())
        .anySatisfy(v -> assertThat(v).containsEntry("name", theirs));
    assertThat(callAs(monitoring, "pw", "GET", "/api/connections", null).list())
        .anySatisfy(c -> assertThat(c).containsEntry("vhost", theirs));
    assertThat(callAs(monitoring, "pw", "GET", "/api/consumers", null).list())
        .anySatisfy(c -> assertThat(asMap(c.get("queue"))).containsEntry("vhost", theirs));
    // the administrator still sees both vhosts' objects
    assertThat(get("/api/queues").list()).anySatisfy(q -> assertThat(q).containsEntry("vhost", theirs))
        .anySatisfy(q -> assertThat(q).containsEntry("vhost", mine));
    for (String vhost : List.of(mine, theirs)) {
      call("DELETE", "/api/vhosts/" + vhost, null);
    }
  }

  @Test
  void shouldShowAManagementUserOnlyItsOwnConsumers() throws Exception {
    String management = createUser("management");
    call("PUT", "/api/permissions/%2F/" + management, Map.of("configure", ".*", "write", ".*", "read", ".*"));
    String guestQueue = unique("guest-consumed");
    Channel guest = amqp().createChannel();
    guest.queueDeclare(guestQueue, false, false, true, null);
    guest.basicConsume(guestQueue, true, (tag, m) -> { }, tag -> { });
    String ownQueue = unique("own-consumed");
    Channel own = amqp(management, "pw", "/").createChannel();
    own.queueDeclare(ownQueue, false, false, true, null);
    own.basicConsume(ownQueue, true, (tag, m) -> { }, tag -> { });

    List<Map<String, Object>> seen = callAs(management, "pw", "GET", "/api/consumers", null).list();
    assertThat(seen).anySatisfy(c -> assertThat(asMap(c.get("queue"))).containsEntry("name", ownQueue));
    assertThat(seen).noneSatisfy(c -> assertThat(asMap(c.get("queue"))).containsEntry("name", guestQueue));
    assertThat(get("/api/consumers").list()).anySatisfy(c -> assertThat(asMap(c.get("queue")))
        .containsEntry("name", guestQueue));
  }

  @Test
  void shouldLetOnlyLoopbackUseTheDefaultUserUnlessConfigured() throws Exception {
    // every test request comes from loopback, so guest is allowed here; the rule itself is the
    // broker's loopback_users, checked for AMQP in the black-box tests
    assertThat(get("/api/whoami").map()).isEqualTo(Map.of("name", "guest", "tags", List.of("administrator")));
  }

  @Test
  void shouldCreateUpdateAndDeleteUsersWithRabbitMqsShapes() throws Exception {
    String name = unique("crud");
    Reply noTags = call("PUT", "/api/users/" + name, Map.of("password", "x"));
    assertThat(noTags.map()).isEqualTo(Map.of("error", "bad_request", "reason", "tags_not_present"));
    assertThat(call("PUT", "/api/users/" + name, Map.of("password", "s3cret", "tags", "monitoring,management"))
        .status()).isEqualTo(201);
    Map<String, Object> user = get("/api/users/" + name).map();
    assertThat(user).containsOnlyKeys("name", "password_hash", "hashing_algorithm", "tags", "limits")
        .containsEntry("hashing_algorithm", "rabbit_password_hashing_sha256")
        .containsEntry("tags", List.of("management", "monitoring")).containsEntry("limits", Map.of());
    assertThat(callAs(name, "s3cret", "GET", "/api/whoami", null).status()).isEqualTo(200);

    // a hash copied from another user logs in with that user's password
    String copy = unique("copy");
    assertThat(call("PUT", "/api/users/" + copy, Map.of("password_hash", user.get("password_hash"), "tags",
        List.of("management"))).status()).isEqualTo(201);
    assertThat(callAs(copy, "s3cret", "GET", "/api/whoami", null).status()).isEqualTo(200);

    assertThat(call("PUT", "/api/users/" + name, Map.of("password", "changed", "tags", "")).status()).isEqualTo(204);
    assertThat(get("/api/users/" + name).map()).containsEntry("tags", List.of());
    assertThat(get("/api/users").list()).anySatisfy(u -> assertThat(u).containsEntry("name", name));
    assertThat(get("/api/users/without-permissions").list()).anySatisfy(u -> assertThat(u).containsEntry("name", name));
    assertThat(call("DELETE", "/api/users/" + name, null).status()).isEqualTo(204);
    assertThat(call("DELETE", "/api/users/" + name, null).status()).isEqualTo(404);
    assertThat(call("POST", "/api/users/bulk-delete", Map.of("users", List.of(copy))).status()).isEqualTo(204);
    assertThat(get("/api/users/" + copy).status()).isEqualTo(404);
  }

  @Test
  void shouldManageVhostsAndGiveTheirCreatorPermissions() throws Exception {
    String vhost = unique("vh");
    assertThat(call("PUT", "/api/vhosts/" + vhost, Map.of("description", "for tests", "tags", "a,b")).status())
        .isEqualTo(201);
    assertThat(call("PUT", "/api/vhosts/" + vhost, null).status()).isEqualTo(204);
    Map<String, Object> v = get("/api/vhosts/" + vhost).map();
    assertThat(v).containsKeys("cluster_state", "default_queue_type", "description", "message_stats", "messages",
        "messages_details", "messages_ready", "messages_ready_details", "messages_unacknowledged",
        "messages_unacknowledged_details", "metadata", "name", "recv_oct", "recv_oct_details", "send_oct",
        "send_oct_details", "tags", "tracing").containsEntry("description", "for tests")
        .containsEntry("tags", List.of("a", "b"));
    assertThat(get("/api/permissions/" + vhost + "/guest").map()).isEqualTo(Map.of("user", "guest", "vhost", vhost,
        "configure", ".*", "write", ".*", "read", ".*"));
    assertThat(get("/api/vhosts/" + vhost + "/permissions").list()).hasSize(1);

    Connection c = amqp("guest", "guest", vhost);
    c.createChannel().queueDeclare("q", false, false, false, null);
    assertThat(get("/api/queues/" + vhost).list()).hasSize(1);
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    c.addShutdownListener(closed::complete);
    assertThat(call("DELETE", "/api/vhosts/" + vhost, null).status()).isEqualTo(204);
    AMQP.Connection.Close close = (AMQP.Connection.Close) closed.get(5, TimeUnit.SECONDS).getReason();
    assertThat(close.getReplyCode()).isEqualTo(320);
    assertThat(close.getReplyText()).isEqualTo("CONNECTION_FORCED - vhost '" + vhost + "' is deleted");
    assertThat(call("DELETE", "/api/vhosts/" + vhost, null).status()).isEqualTo(404);
    assertThat(get("/api/permissions/" + vhost + "/guest").status()).isEqualTo(404);
  }

  @Test
  void shouldSetAndClearPermissionsThatAmqpThenEnforces() throws Exception {
    String name = createUser("");
    Throwable refused = catchThrowable(() -> amqp(name, "pw", "/"));
    assertThat(refused).isNotNull();
    Reply missing = call("PUT", "/api/permissions/%2F/" + name, Map.of("configure", ".*"));
    assertThat(missing.map()).isEqualTo(Map.of("error", "bad_request", "reason",
        "[{key_missing,write},{key_missing,read}]"));
    assertThat(call("PUT", "/api/permissions/%2F/" + unique("nobody"), Map.of("configure", ".*", "write", ".*",
        "read", ".*")).map()).isEqualTo(Map.of("error", "bad_request", "reason", "vhost_or_user_not_found"));
    assertThat(call("PUT", "/api/permissions/%2F/" + name, Map.of("configure", "", "write", "", "read", ".*"))
        .status()).isEqualTo(201);
    assertThat(get("/api/permissions").list()).anySatisfy(p -> assertThat(p).containsEntry("user", name)
        .containsEntry("configure", "").containsEntry("read", ".*"));
    assertThat(get("/api/users/" + name + "/permissions").list()).hasSize(1);
    Connection c = amqp(name, "pw", "/");
    assertThat(c.isOpen()).isTrue();
    assertThat(call("DELETE", "/api/permissions/%2F/" + name, null).status()).isEqualTo(204);
    assertThat(call("DELETE", "/api/permissions/%2F/" + name, null).status()).isEqualTo(404);
  }

  @Test
  void shouldAnswerUnknownPathsAndMethodsAsRabbitMq() throws Exception {
    Reply unknown = get("/api/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.map()).isEqualTo(Map.of("error", "Object Not Found", "reason", "Not Found"));
    assertThat(call("PATCH", "/api/queues", null).status()).isEqualTo(405);
    assertThat(call("PUT", "/api/queues/%2F/x", "\"doubly encoded\"").map()).containsEntry("error", "bad_request");
  }
}

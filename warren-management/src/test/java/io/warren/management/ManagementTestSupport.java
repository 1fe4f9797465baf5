package io.warren.management;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.Broker;
import io.warren.broker.EmbeddedBroker;
import io.warren.management.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One embedded broker with its management and Prometheus servers per test class, all on free
 * loopback ports, and an HTTP client that speaks to the API as a given user.
 */
abstract class ManagementTestSupport {

  static EmbeddedBroker embedded;
  static Broker broker;
  static ManagementServer management;
  static PrometheusServer prometheus;
  private static Path dataDir;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<Connection> connections = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws IOException {
    dataDir = Files.createTempDirectory("warren-management-test-");
    embedded = EmbeddedBroker.start(dataDir);
    broker = embedded.broker();
    management = ManagementServer.start(broker, "127.0.0.1", 0);
    prometheus = PrometheusServer.start(broker, "127.0.0.1", 0);
  }

  @AfterAll
  static void stopBroker() throws IOException {
    prometheus.close();
    management.close();
    embedded.close();
    try (var paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @AfterEach
  void closeConnections() {
    for (Connection c : connections) {
      if (c.isOpen()) {
        c.abort(1000);
      }
    }
    connections.clear();
  }

  /** An AMQP connection as guest, closed after the test. */
  Connection amqp() throws Exception {
    return amqp("guest", "guest", "/");
  }

  Connection amqp(String user, String password, String vhost) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(embedded.port());
    cf.setUsername(user);
    cf.setPassword(password);
    cf.setVirtualHost(vhost);
    cf.setAutomaticRecoveryEnabled(false);
    Connection c = cf.newConnection();
    connections.add(c);
    return c;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A response: status, headers and the body parsed as JSON (null when empty). */
  record Reply(int status, Object json, String text, java.net.http.HttpHeaders headers) {

    @SuppressWarnings("unchecked")
    Map<String, Object> map() {
      return (Map<String, Object>) json;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list() {
      return (List<Map<String, Object>>) json;
    }
  }

  static Reply call(String method, String path, Object body) throws Exception {
    return callAs("guest", "guest", method, path, body);
  }

  static Reply get(String path) throws Exception {
    return call("GET", path, null);
  }

  static Reply callAs(String user, String password, String method, String path, Object body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.port() + path));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
            : Json.write(body)));
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    String text = new String(r.body(), StandardCharsets.UTF_8);
    Object json = null;
    if (r.body().length > 0 && r.headers().firstValue("content-type").orElse("").contains("json")) {
      json = Json.read(r.body());
    }
    return new Reply(r.statusCode(), json, text, r.headers());
  }

  static String metrics(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheus.port() + path)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Waits for a condition the broker reaches asynchronously (a publish landing in a queue). */
  static void eventually(ThrowingCheck check) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  @FunctionalInterface
  interface ThrowingCheck {
    void run() throws Exception;
  }
}

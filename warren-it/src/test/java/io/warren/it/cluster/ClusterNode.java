package io.warren.it.cluster;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import io.warren.cluster.ClusterConfig;
import io.warren.cluster.PeerAddress;
import io.warren.cluster.WarrenCluster;
import io.warren.management.ManagementServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** One Warren node of an in-JVM test cluster: broker, Raft server and management API on free ports. */
final class ClusterNode implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final String name;
  private final Path dataDir;
  private final ClusterConfig config;
  private Broker broker;
  private WarrenCluster cluster;
  private ManagementServer management;

  ClusterNode(String name, Path dataDir, ClusterConfig config) {
    this.name = name;
    this.dataDir = dataDir;
    this.config = config;
  }

  /** Peer entries NAME@localhost:PORT for {@code names}, each on a free port. */
  static List<PeerAddress> peers(String... names) throws IOException {
    PeerAddress[] out = new PeerAddress[names.length];
    for (int i = 0; i < names.length; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        out[i] = PeerAddress.parse(names[i] + "@localhost:" + s.getLocalPort());
      }
    }
    return List.of(out);
  }

  static ClusterConfig config(String nodeName, List<PeerAddress> peers, Path secret, Path dataDir) {
    return new ClusterConfig(nodeName, peers, secret, dataDir.resolve("cluster"), Duration.ofSeconds(3), 5);
  }

  ClusterNode start() {
    broker = new Broker(BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir));
    cluster = WarrenCluster.join(broker, config);
    broker.start();
    cluster.start();
    management = ManagementServer.start(broker, "127.0.0.1", 0);
    return this;
  }

  void stop() {
    if (management != null) {
      management.close();
      management = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
    if (broker != null) {
      broker.stop();
      broker = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  int clusterPort() {
    return config.self().port();
  }

  ClusterConfig config() {
    return config;
  }

  Broker broker() {
    return broker;
  }

  Connection connect() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setHost("127.0.0.1");
    cf.setPort(broker.port());
    return cf.newConnection();
  }

  /** Waits until guest can log in (the cluster has formed and created the default user). */
  ClusterNode awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Connection c = connect()) {
        return this;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(name + " did not become ready", e);
        }
        Thread.sleep(100);
      }
    }
  }

  HttpResponse<String> http(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.port() + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            "guest:guest".getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String get(String path) throws Exception {
    HttpResponse<String> r = http("GET", path, null);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " on " + name + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }
}

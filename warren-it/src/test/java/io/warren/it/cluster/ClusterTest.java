package io.warren.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.cluster.ClusterConfig;
import io.warren.cluster.PeerAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Warren nodes in this JVM, each with its own data folder, AMQP, management and cluster
 * port: the topology declared on one node is seen on every node, a majority keeps working when
 * a node is down, the node catches up when it comes back, a minority refuses changes, and a
 * node with another secret does not join.
 */
class ClusterTest {

  @TempDir
  Path dir;

  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(ClusterNode::stop);
  }

  private List<ClusterNode> startThree() throws Exception {
    for (int attempt = 1; ; attempt++) {
      List<PeerAddress> peers = ClusterNode.peers("warren-a", "warren-b", "warren-c");
      Path secret = dir.resolve("cookie");
      for (PeerAddress p : peers) {
        String shortName = p.nodeName().substring(0, p.nodeName().indexOf('@'));
        Path data = dir.resolve(shortName + "-" + attempt);
        nodes.add(new ClusterNode(p.nodeName(), data, ClusterNode.config(p.nodeName(), peers, secret, data)));
      }
      try {
        nodes.forEach(ClusterNode::start);
        break;
      } catch (UncheckedIOException e) {
        // a cluster port picked free was taken before the node bound it: try other ports
        nodes.forEach(ClusterNode::stop);
        nodes.clear();
        if (attempt == 3) {
          throw e;
        }
      }
    }
    for (ClusterNode n : nodes) {
      n.awaitReady();
    }
    return nodes;
  }

  @Test
  void topologyDeclaredOnOneNodeIsSeenOnEveryNode() throws Exception {
    startThree();
    ClusterNode a = nodes.get(0);
    ClusterNode b = nodes.get(1);
    ClusterNode c = nodes.get(2);
    try (Connection conn = a.connect()) {
      Channel ch = conn.createChannel();
      ch.exchangeDeclare("orders", "topic", true);
      ch.queueDeclare("orders.eu", true, false, false, Map.of("x-max-length", 10));
      ch.queueBind("orders.eu", "orders", "eu.#");
    }
    assertThat(a.http("PUT", "/api/users/alice", "{\"password\":\"s3cret\",\"tags\":\"monitoring\"}").statusCode())
        .isEqualTo(201);
    assertThat(a.http("PUT", "/api/vhosts/shop", null).statusCode()).isEqualTo(201);

    for (ClusterNode other : List.of(b, c)) {
      // declare-ok was sent after a majority committed; the third node applies shortly after
      eventually(() -> {
        try (Connection conn = other.connect()) {
          Channel ch = conn.createChannel();
          ch.exchangeDeclarePassive("orders");
          AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive("orders.eu");
          assertThat(ok.getMessageCount()).isZero();
        }
        assertThat(other.get("/api/bindings/%2F/e/orders/q/orders.eu")).contains("\"routing_key\":\"eu.#\"");
        assertThat(other.get("/api/users/alice")).contains("\"tags\":[\"monitoring\"]");
        assertThat(other.get("/api/vhosts")).contains("\"name\":\"shop\"");
        assertThat(other.get("/api/queues/%2F/orders.eu")).contains("\"x-max-length\":10");
      });
    }

    // an equivalence error is decided the same way on every node, and reported to the client
    try (Connection conn = b.connect()) {
      Channel ch = conn.createChannel();
      assertThatThrownBy(() -> ch.exchangeDeclare("orders", "direct", true))
          .hasStackTraceContaining("PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'orders' in vhost '/'");
    }

    // deletes travel too
    try (Connection conn = c.connect()) {
      conn.createChannel().queueDelete("orders.eu");
    }
    eventually(() -> assertThat(a.get("/api/queues")).doesNotContain("orders.eu"));

    // every node lists every node as running
    eventually(() -> {
      String listed = b.get("/api/nodes");
      for (ClusterNode n : nodes) {
        assertThat(listed).contains("\"name\":\"" + n.name + "\"");
      }
      assertThat(listed).doesNotContain("\"running\":false");
    });
  }

  @Test
  void messagesStayOnTheQueuesHomeNode() throws Exception {
    startThree();
    ClusterNode a = nodes.get(0);
    ClusterNode b = nodes.get(1);
    try (Connection conn = a.connect()) {
      Channel ch = conn.createChannel();
      ch.queueDeclare("homed-on-a", false, false, false, null);
      ch.basicPublish("", "homed-on-a", null, "on a".getBytes());
      eventually(() -> assertThat(ch.queueDeclarePassive("homed-on-a").getMessageCount()).isEqualTo(1));
    }
    eventually(() -> {
      try (Connection conn = b.connect()) {
        conn.createChannel().queueDeclarePassive("homed-on-a");
      }
    });
    try (Connection conn = b.connect()) {
      Channel ch = conn.createChannel();
      AtomicReference<Integer> returned = new AtomicReference<>();
      ch.addReturnListener(r -> returned.set(r.getReplyCode()));
      ch.basicPublish("", "homed-on-a", true, null, "on b".getBytes());
      eventually(() -> assertThat(returned.get()).isEqualTo(312)); // NO_ROUTE: routed only to queues homed here
      assertThatThrownBy(() -> ch.basicGet("homed-on-a", true))
          .hasStackTraceContaining("NOT_FOUND - home node '" + a.name + "' of queue 'homed-on-a' in vhost '/'");
    }
  }

  @Test
  void majorityCarriesOnAStoppedNodeCatchesUpAndAMinorityRefusesChanges() throws Exception {
    startThree();
    ClusterNode a = nodes.get(0);
    ClusterNode b = nodes.get(1);
    ClusterNode c = nodes.get(2);
    c.stop();
    eventually(() -> assertThat(a.get("/api/nodes/" + c.name)).contains("\"running\":false"));
    try (Connection conn = a.connect()) {
      Channel ch = conn.createChannel();
      for (int i = 0; i < 20; i++) { // past the snapshot threshold: c may catch up from a snapshot
        ch.queueDeclare("while-c-was-down-" + i, true, false, false, null);
      }
      ch.exchangeDeclare("x-while-c-was-down", "fanout", true);
      ch.queueBind("while-c-was-down-3", "x-while-c-was-down", "");
    }
    try (Connection conn = b.connect()) {
      conn.createChannel().queueDelete("while-c-was-down-0");
    }

    c.start().awaitReady();
    eventually(() -> {
      try (Connection conn = c.connect()) {
        Channel ch = conn.createChannel();
        ch.queueDeclarePassive("while-c-was-down-19");
        ch.exchangeDeclarePassive("x-while-c-was-down");
      }
      assertThat(c.get("/api/bindings/%2F/e/x-while-c-was-down/q/while-c-was-down-3")).contains("while-c-was-down-3");
      assertThat(c.get("/api/queues")).doesNotContain("\"while-c-was-down-0\"");
    });

    // a and c stop: b alone cannot reach a majority and refuses, as a Khepri minority does
    a.stop();
    c.stop();
    Connection refused = b.connect(); // 541 is a connection error: the broker closes it
    Channel ch = refused.createChannel();
    long started = System.nanoTime();
    assertThatThrownBy(() -> ch.queueDeclare("in-the-minority", true, false, false, null))
        .hasStackTraceContaining("INTERNAL_ERROR - Could not declare queue 'in-the-minority' in vhost '/' on node '"
            + b.name + "' because the metadata store operation timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(refused.isOpen()).isFalse();
    try (Connection conn = b.connect()) {
      assertThatThrownBy(() -> conn.createChannel().queueDeclarePassive("in-the-minority"))
          .hasStackTraceContaining("NOT_FOUND");
    }
  }

  @Test
  void aNodeWithAnotherSecretDoesNotJoin() throws Exception {
    startThree();
    ClusterNode a = nodes.get(0);
    ClusterNode c = nodes.get(2);
    try (Connection conn = a.connect()) {
      conn.createChannel().queueDeclare("members-only", true, false, false, null);
    }
    c.stop();
    // a stranger takes c's name and port, with its own secret and an empty data folder
    Path strangerSecret = dir.resolve("other-cookie");
    Files.writeString(strangerSecret, "NOT-THE-CLUSTER-COOKIE");
    Path strangerDir = dir.resolve("stranger");
    ClusterConfig strangerConfig = ClusterNode.config(c.name, c.config().peers(), strangerSecret, strangerDir);
    ClusterNode stranger = new ClusterNode(c.name, strangerDir, strangerConfig);
    nodes.add(stranger);
    stranger.start();
    Thread.sleep(4000); // time enough to join, were it let in
    assertThat(stranger.broker().users().all()).isEmpty(); // it never got the cluster's users ...
    assertThat(stranger.broker().vhosts().all()).isEmpty(); // ... nor its topology
    assertThat(a.get("/api/nodes/" + c.name)).contains("\"running\":false");
  }

  /**
   * Known bug, not yet fixed: with a stranger (another secret) answering on a member's address,
   * the two remaining members sometimes commit nothing for 20 s and more, where they should carry
   * on as a majority (seen in about one run in three; without the stranger they do carry on, see
   * majorityCarriesOnAStoppedNodeCatchesUpAndAMinorityRefusesChanges). Kept as the test that will
   * prove the fix.
   */
  @Test
  @org.junit.jupiter.api.Disabled("known bug: a stranger on a member's address can stall the majority; see the issue 9 note")
  void theMajorityCarriesOnWhileAStrangerHoldsAMembersAddress() throws Exception {
    startThree();
    ClusterNode a = nodes.get(0);
    ClusterNode c = nodes.get(2);
    c.stop();
    Path strangerSecret = dir.resolve("other-cookie");
    Files.writeString(strangerSecret, "NOT-THE-CLUSTER-COOKIE");
    Path strangerDir = dir.resolve("stranger");
    ClusterNode stranger = new ClusterNode(c.name, strangerDir,
        ClusterNode.config(c.name, c.config().peers(), strangerSecret, strangerDir));
    nodes.add(stranger);
    stranger.start();
    eventually(() -> {
      try (Connection conn = a.connect()) {
        conn.createChannel().queueDeclare("still-works", true, false, false, null); // a and b are a majority
      }
    });
  }

  interface Check {
    void run() throws Exception;
  }

  static void eventually(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | IOException | ShutdownSignalException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}

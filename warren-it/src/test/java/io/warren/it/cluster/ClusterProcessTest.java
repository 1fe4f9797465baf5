package io.warren.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.support.WarrenProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's three-node cluster, as three `warren` processes: one config file per node with
 * RabbitMQ's classic_config keys (free ports instead of 25672-25674), each node started by
 * itself with no further step.
 */
class ClusterProcessTest {

  @TempDir
  Path dir;

  private final List<WarrenProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(p -> p.terminate(Duration.ofSeconds(10)));
  }

  @Test
  void threeCommandsStartAThreeNodeCluster() throws Exception {
    String[] names = {"warren-a", "warren-b", "warren-c"};
    int[] clusterPorts = new int[3];
    for (int i = 0; i < 3; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        clusterPorts[i] = s.getLocalPort();
      }
    }
    StringBuilder nodes = new StringBuilder("cluster_formation.peer_discovery_backend = classic_config\n");
    for (int i = 0; i < 3; i++) {
      nodes.append("cluster_formation.classic_config.nodes.").append(i + 1).append(" = ")
          .append(names[i]).append("@localhost:").append(clusterPorts[i]).append('\n');
    }
    for (int i = 0; i < 3; i++) {
      Path config = dir.resolve(names[i] + ".conf");
      Files.writeString(config, "nodename = " + names[i] + "@localhost\n" + nodes
          + "cluster_secret_file = " + dir.resolve("cookie") + "\n");
      processes.add(WarrenProcess.start(dir.resolve(names[i]), dir.resolve(names[i] + ".log"),
          List.of("--config", config.toString())));
    }
    // the secret file was created on first start, readable by its owner only
    assertThat(Files.getPosixFilePermissions(dir.resolve("cookie")).toString()).isEqualTo("[OWNER_READ]");

    ClusterTest.eventually(() -> {
      try (Connection c = processes.get(0).connectionFactory().newConnection()) {
        Channel ch = c.createChannel();
        ch.exchangeDeclare("from-a", "fanout", true);
        ch.queueDeclare("q-from-a", true, false, false, null);
        ch.queueBind("q-from-a", "from-a", "");
      }
    });
    ClusterTest.eventually(() -> {
      for (WarrenProcess p : processes.subList(1, 3)) {
        try (Connection c = p.connectionFactory().newConnection()) {
          Channel ch = c.createChannel();
          ch.exchangeDeclarePassive("from-a");
          ch.queueDeclarePassive("q-from-a");
        }
      }
    });
  }
}

package io.warren.server;

import io.warren.broker.cluster.ClusterView;
import io.warren.cluster.ClusterConfig;
import io.warren.cluster.PeerAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The node name and cluster settings from flags, environment and config file, in that order of
 * precedence (as RabbitMQ: RABBITMQ_NODENAME, then the config). A node with no classic_config
 * node list is a single node and starts no cluster machinery at all.
 */
record ClusterSettings(String nodeName, ClusterConfig config) {

  boolean isClustered() {
    return config != null;
  }

  static ClusterSettings resolve(ConfigFile file, String nodeNameFlag, Integer clusterPortFlag, Path secretFlag,
      Path dataDir) throws IOException {
    String nodeName = nodeNameFlag;
    if (nodeName == null) {
      nodeName = System.getenv("WARREN_NODENAME");
    }
    if ((nodeName == null || nodeName.isBlank()) && file != null) {
      nodeName = file.value("nodename");
    }
    if (nodeName == null || nodeName.isBlank()) {
      nodeName = ClusterView.defaultNodeName();
    }
    List<String> listed = file == null ? List.of() : file.clusterNodes();
    if (listed.isEmpty()) {
      return new ClusterSettings(nodeName, null);
    }
    Integer clusterPort = clusterPortFlag != null ? clusterPortFlag : file.intValue("cluster_port");
    List<PeerAddress> peers = new ArrayList<>();
    for (String spec : listed) {
      PeerAddress p;
      try {
        p = PeerAddress.parse(spec);
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage());
      }
      if (p.nodeName().equals(nodeName) && clusterPort != null) {
        p = new PeerAddress(p.nodeName(), p.host(), clusterPort);
      }
      peers.add(p);
    }
    Path secret = secretFlag != null ? secretFlag
        : file.value("cluster_secret_file") != null ? Path.of(file.value("cluster_secret_file"))
        : ClusterConfig.defaultSecretFile();
    try {
      return new ClusterSettings(nodeName, new ClusterConfig(nodeName, peers, secret, dataDir.resolve("cluster"),
          ClusterConfig.DEFAULT_METADATA_TIMEOUT, ClusterConfig.DEFAULT_SNAPSHOT_THRESHOLD));
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }
}

package io.warren.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a node joins its cluster.
 *
 * @param nodeName          this node's name, one of {@code peers}' names (warren@host by default)
 * @param peers             every member, this node included (classic_config's node list)
 * @param secretFile        the cluster secret (RabbitMQ's Erlang cookie), created if missing
 * @param storageDir        where the replicated log and snapshots live (under the data folder)
 * @param metadataTimeout   how long a topology change waits for a majority (Khepri's 30 s by default)
 * @param snapshotThreshold take a snapshot of the metadata after this many log entries
 */
public record ClusterConfig(String nodeName, List<PeerAddress> peers, Path secretFile, Path storageDir,
    Duration metadataTimeout, long snapshotThreshold) {

  public static final Duration DEFAULT_METADATA_TIMEOUT = Duration.ofSeconds(30);
  public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;

  public ClusterConfig {
    peers = List.copyOf(peers);
    if (peers.stream().noneMatch(p -> p.nodeName().equals(nodeName))) {
      throw new IllegalArgumentException("node '" + nodeName + "' is not in the cluster's node list "
          + peers.stream().map(PeerAddress::nodeName).toList() + "; set --node-name or nodename to one of them");
    }
  }

  /** This node's entry in the list. */
  public PeerAddress self() {
    return peers.stream().filter(p -> p.nodeName().equals(nodeName)).findFirst().orElseThrow();
  }

  /** The secret file RabbitMQ users expect: ~/.warren.cookie (as ~/.erlang.cookie). */
  public static Path defaultSecretFile() {
    return Path.of(System.getProperty("user.home"), ".warren.cookie");
  }

  public ClusterConfig withMetadataTimeout(Duration timeout) {
    return new ClusterConfig(nodeName, peers, secretFile, storageDir, timeout, snapshotThreshold);
  }

  public ClusterConfig withSnapshotThreshold(long entries) {
    return new ClusterConfig(nodeName, peers, secretFile, storageDir, metadataTimeout, entries);
  }
}

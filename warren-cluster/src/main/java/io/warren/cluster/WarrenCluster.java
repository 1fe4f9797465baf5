package io.warren.cluster;

import io.warren.broker.Broker;
import io.warren.broker.cluster.MetadataChange;
import io.warren.broker.auth.PasswordHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker as one node of a cluster. The members come from the configuration (RabbitMQ's
 * classic_config peer list), so every node starts the same Raft group by itself: whichever
 * majority is up first elects a leader and the others join as they come. Use:
 * {@link #join} before {@code broker.start()}, {@link #start()} after it, {@link #close()}
 * before {@code broker.stop()}.
 */
public final class WarrenCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarrenCluster.class);

  private final Broker broker;
  private final ClusterConfig config;
  private final ClusterSecret secret;
  private final RaftGroup group;
  private final RatisMetadataStore store;
  private final PeerMonitor monitor;
  private RaftServer server;
  private RaftClient client;
  private RaftClient monitorClient;
  private Thread defaults;
  private volatile boolean closed;

  private WarrenCluster(Broker broker, ClusterConfig config) {
    this.broker = broker;
    this.config = config;
    this.secret = ClusterSecret.loadOrCreate(config.secretFile());
    List<RaftPeer> peers = config.peers().stream()
        .map(p -> RaftPeer.newBuilder().setId(peerId(p.nodeName())).setAddress(p.address()).build())
        .toList();
    this.group = RaftGroup.valueOf(RaftGroupId.valueOf(secret.metadataGroupId()), peers);
    this.store = new RatisMetadataStore(config.nodeName(), secret, config.metadataTimeout());
    this.monitor = new PeerMonitor(config.nodeName(), config.peers().stream().map(PeerAddress::nodeName).toList());
  }

  /** Makes {@code broker} (not started yet) a node of the configured cluster. */
  public static WarrenCluster join(Broker broker, ClusterConfig config) {
    WarrenCluster cluster = new WarrenCluster(broker, config);
    broker.joinCluster(cluster.store, cluster.monitor);
    return cluster;
  }

  private static RaftPeerId peerId(String nodeName) {
    return RaftPeerId.valueOf(nodeName);
  }

  /** Starts this node's Raft server on the cluster port; the broker must be started. */
  public synchronized void start() {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.NETTY);
    NettyConfigKeys.Server.setPort(properties, config.self().port());
    RaftServerConfigKeys.setStorageDir(properties, List.of(config.storageDir().toFile()));
    // elections after 1-2 s of silence: calm on a busy machine, quick enough to carry on after a node dies
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotThreshold());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    try {
      server = RaftServer.newBuilder()
          .setServerId(peerId(config.nodeName()))
          .setGroup(group)
          .setProperties(properties)
          .setStateMachine(new MetadataStateMachine(broker, secret, config.nodeName(), store))
          .setOption(RaftStorage.StartupOption.RECOVER)
          .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the cluster node on port " + config.self().port(), e);
    }
    long attempts = Math.max(1, config.metadataTimeout().toMillis() / 200);
    client = RaftClient.newBuilder()
        .setProperties(properties)
        .setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep((int) Math.min(attempts, 10_000),
            TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
        .build();
    store.connect(client);
    RaftProperties monitorProperties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(monitorProperties, SupportedRpcType.NETTY);
    RaftClientConfigKeys.Rpc.setRequestTimeout(monitorProperties, TimeDuration.valueOf(1, TimeUnit.SECONDS));
    monitorClient = RaftClient.newBuilder()
        .setProperties(monitorProperties)
        .setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.noRetry())
        .build();
    monitor.start(monitorClient, group.getGroupId(), WarrenCluster::peerId);
    defaults = new Thread(this::createDefaultsOnce, "warren-cluster-defaults");
    defaults.setDaemon(true);
    defaults.start();
    LOG.info("node {} in cluster {} (cluster port {})", config.nodeName(),
        config.peers().stream().map(PeerAddress::nodeName).toList(), config.self().port());
  }

  /**
   * As RabbitMQ: the default user and vhost are created when the cluster is first formed, once.
   * Every node asks until the metadata holds users or vhosts; the first request committed
   * creates them and the others change nothing.
   */
  private void createDefaultsOnce() {
    var c = broker.config();
    while (!closed && broker.definitions().isEmpty()) {
      try {
        store.commit(new MetadataChange.CreateDefaults(c.defaultUser(),
            PasswordHash.of(c.defaultPassword()).toBase64(), c.defaultVhost()));
      } catch (RuntimeException e) {
        LOG.debug("cluster not ready for the default user yet: {}", e.getMessage());
      }
      sleepQuietly(500);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True once the cluster has a leader that this node knows of. */
  public boolean hasLeader() {
    try {
      return server != null && server.getDivision(group.getGroupId()).getInfo().getLeaderId() != null;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (defaults != null) {
      defaults.interrupt();
    }
    monitor.stop();
    closeQuietly(monitorClient);
    store.close();
    closeQuietly(client);
    closeQuietly(server);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {}: {}", c, e.toString());
    }
  }
}

package io.warren.server;

import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import io.warren.cluster.WarrenCluster;
import io.warren.management.ManagementServer;
import io.netty.util.ResourceLeakDetector;
import io.warren.management.PrometheusServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code warren} command: reads flags and an optional rabbitmq.conf-style file, locks the
 * data folder, starts the broker and stops it cleanly on SIGTERM/SIGINT.
 */
@Command(name = "warren", mixinStandardHelpOptions = true, version = "Warren 0.1.0",
    description = "Starts Warren, an AMQP 0-9-1 broker with RabbitMQ's behaviour.")
public final class WarrenServer implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(WarrenServer.class);

  @Option(names = "--port", paramLabel = "N", description = "AMQP port (default: 5672, or the config file's)")
  Integer port;

  @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default: all interfaces)")
  String bind;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data folder (default: ./data)")
  Path dataDir;

  @Option(names = "--management-port", paramLabel = "N",
      description = "management HTTP API and web UI port (default: 15672; 0 picks a free port; -1 turns it off)")
  Integer managementPort;

  @Option(names = "--prometheus-port", paramLabel = "N",
      description = "Prometheus /metrics port (default: 15692; 0 picks a free port; -1 turns it off)")
  Integer prometheusPort;

  @Option(names = "--io-threads", paramLabel = "N",
      description = "network event-loop threads (default: one per two cores)")
  Integer ioThreads;

  @Option(names = "--node-name", paramLabel = "NAME",
      description = "this node's name (default: $WARREN_NODENAME, the config file's nodename, or warren@<host>)")
  String nodeName;

  @Option(names = "--cluster-port", paramLabel = "N",
      description = "inter-node port of a cluster node (default: its entry in the node list, else 25672)")
  Integer clusterPort;

  @Option(names = "--cluster-secret-file", paramLabel = "FILE",
      description = "the secret every node of the cluster shares (default: ~/.warren.cookie, created if missing)")
  Path clusterSecretFile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "a rabbitmq.conf-style file (listeners.tcp.default, default_user, default_pass, ...)")
  Path configFile;

  private static int orDefault(Integer value, int otherwise) {
    return value == null ? otherwise : value;
  }

  public static void main(String[] args) {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      // Leak tracking samples buffer allocations and records a stack trace for each sample: a
      // few percent of the broker's CPU under load. The test suite runs with it on; a production
      // broker needs it only when chasing a leak (-Dio.netty.leakDetection.level=simple).
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    System.exit(new CommandLine(new WarrenServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    BrokerConfig config = BrokerConfig.defaults();
    int httpPort = ManagementServer.DEFAULT_PORT;
    int metricsPort = PrometheusServer.DEFAULT_PORT;
    ConfigFile file = null;
    if (configFile != null) {
      file = ConfigFile.read(configFile);
      config = file.applyTo(config);
      httpPort = orDefault(file.intValue("management.tcp.port"), httpPort);
      metricsPort = orDefault(file.intValue("prometheus.tcp.port"), metricsPort);
    }
    httpPort = orDefault(managementPort, httpPort);
    metricsPort = orDefault(prometheusPort, metricsPort);
    if (port != null) {
      config = config.withPort(port);
    }
    if (bind != null) {
      config = config.withBindAddress(bind);
    }
    if (dataDir != null) {
      config = config.withDataDir(dataDir);
    }
    if (ioThreads != null) {
      config = config.withIoThreads(ioThreads);
    }

    try {
      // The store locks the data folder: a second broker on it fails here with a clear message.
      Broker broker = new Broker(config);
      ClusterSettings cluster = ClusterSettings.resolve(file, nodeName, clusterPort, clusterSecretFile,
          config.dataDir());
      broker.nameNode(cluster.nodeName());
      WarrenCluster node = cluster.isClustered() ? WarrenCluster.join(broker, cluster.config()) : null;
      broker.start();
      if (node != null) {
        node.start();
      }
      ManagementServer management = null;
      PrometheusServer prometheus = null;
      try {
        management = httpPort < 0 ? null : ManagementServer.start(broker, config.bindAddress(), httpPort);
        prometheus = metricsPort < 0 ? null : PrometheusServer.start(broker, config.bindAddress(), metricsPort);
      } catch (RuntimeException e) {
        if (management != null) {
          management.close();
        }
        broker.stop();
        throw e;
      }
      ManagementServer managementToStop = management;
      PrometheusServer prometheusToStop = prometheus;
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("stopping Warren");
        if (managementToStop != null) {
          managementToStop.close();
        }
        if (prometheusToStop != null) {
          prometheusToStop.close();
        }
        if (node != null) {
          node.close();
        }
        broker.stop();
        stopped.countDown();
        LOG.info("Warren stopped");
        // A SIGTERM'd JVM would exit 143; a clean stop is a success, so say so to supervisors.
        Runtime.getRuntime().halt(0);
      }, "warren-shutdown"));
      stopped.await();
      return 0;
    } catch (RuntimeException e) {
      System.err.println("warren: " + e.getMessage());
      return 1;
    }
  }
}

package io.warren.server;

import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import io.warren.cluster.WarrenCluster;
import io.warren.management.ManagementServer;
import io.warren.management.ManagementSettings;
import io.netty.util.ResourceLeakDetector;
import io.warren.management.PrometheusServer;
import io.warren.management.http.HttpLimits;
import io.warren.mqtt.MqttServer;
import io.warren.stomp.StompServer;
import java.nio.file.Path;
import java.util.Map;
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
@Command(name = "warren", mixinStandardHelpOptions = true, versionProvider = WarrenServer.Version.class,
    description = "Starts Warren, an AMQP 0-9-1 broker with RabbitMQ's behaviour.")
public final class WarrenServer implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(WarrenServer.class);

  /** {@code --version}: the build's version, as the server property and the management API report it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"Warren " + io.warren.broker.WarrenVersion.current()};
    }
  }

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

  @Option(names = "--mqtt-port", paramLabel = "N",
      description = "MQTT port; turns MQTT on (default: off, or 1883 if the config file has mqtt.* keys; "
          + "0 picks a free port; -1 turns it off)")
  Integer mqttPort;

  @Option(names = "--stomp-port", paramLabel = "N",
      description = "STOMP port; turns STOMP on (default: off, or 61613 if the config file has stomp.* keys; "
          + "0 picks a free port; -1 turns it off)")
  Integer stompPort;

  @Option(names = "--ssl-port", paramLabel = "N",
      description = "AMQPS port (default: the config file's listeners.ssl.default; needs ssl_options.certfile/keyfile)")
  Integer sslPort;

  @Option(names = "--management-ssl-port", paramLabel = "N",
      description = "management HTTPS port (default: the config file's management.ssl.port; needs management.ssl.*)")
  Integer managementSslPort;

  @Option(names = "--prometheus-ssl-port", paramLabel = "N",
      description = "Prometheus HTTPS port (default: the config file's prometheus.ssl.port; needs prometheus.ssl.*)")
  Integer prometheusSslPort;

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
    HttpListeners managementListeners = new HttpListeners("management", ManagementServer.DEFAULT_PORT);
    HttpListeners metrics = new HttpListeners("prometheus", PrometheusServer.DEFAULT_PORT);
    ManagementSettings managementSettings = ManagementSettings.DEFAULTS;
    HttpLimits prometheusLimits = HttpLimits.DEFAULTS;
    Map<String, String> logSettings = Map.of();
    ConfigFile file = null;
    if (configFile != null) {
      file = ConfigFile.read(configFile);
      logSettings = file.logSettings();
      config = file.applyTo(config);
      managementListeners.readFrom(file);
      metrics.readFrom(file);
      managementSettings = file.managementSettings();
      prometheusLimits = file.prometheusLimits();
    }
    Logging.configure(logSettings);
    managementListeners.override(managementPort, managementSslPort);
    metrics.override(prometheusPort, prometheusSslPort);
    if (sslPort != null) {
      if (config.sslOptions() == null) {
        System.err.println("warren: --ssl-port needs ssl_options.certfile and ssl_options.keyfile in --config");
        return 64;
      }
      config = config.withSsl(sslPort, config.sslOptions());
    }
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
    MqttConfig.Listener mqtt = MqttConfig.read(file, config.bindAddress());
    boolean mqttOn = mqttPort != null ? mqttPort >= 0 : mqtt.enabled();
    int mqttListenPort = mqttPort != null && mqttPort >= 0 ? mqttPort : mqtt.port();
    StompConfig.Listener stomp = StompConfig.read(file, config.bindAddress());
    boolean stompOn = stompPort != null ? stompPort >= 0 : stomp.enabled();
    int stompListenPort = stompPort != null && stompPort >= 0 ? stompPort : stomp.port();

    managementListeners.check();
    metrics.check();
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
      MqttServer mqttServer = null;
      StompServer stompServer = null;
      try {
        HttpListeners m = managementListeners;
        management = m.enabled() ? ManagementServer.start(broker, config.bindAddress(), m.port(), m.sslPort(),
            m.tls(), managementSettings) : null;
        prometheus = metrics.enabled() ? PrometheusServer.start(broker, config.bindAddress(), metrics.port(),
            metrics.sslPort(), metrics.tls(), prometheusLimits) : null;
        mqttServer = mqttOn ? MqttServer.start(broker, mqtt.bindAddress(), mqttListenPort, mqtt.settings()) : null;
        stompServer = stompOn ? StompServer.start(broker, stomp.bindAddress(), stompListenPort, stomp.settings()) : null;
      } catch (RuntimeException e) {
        if (mqttServer != null) {
          mqttServer.close();
        }
        if (management != null) {
          management.close();
        }
        if (prometheus != null) {
          prometheus.close();
        }
        broker.stop();
        throw e;
      }
      ManagementServer managementToStop = management;
      PrometheusServer prometheusToStop = prometheus;
      MqttServer mqttToStop = mqttServer;
      StompServer stompToStop = stompServer;
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("stopping Warren");
        if (mqttToStop != null) {
          mqttToStop.close();
        }
        if (stompToStop != null) {
          stompToStop.close();
        }
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

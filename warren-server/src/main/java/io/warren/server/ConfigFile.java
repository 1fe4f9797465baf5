package io.warren.server;

import io.warren.broker.BrokerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A configuration file in RabbitMQ's new-style rabbitmq.conf format ({@code key = value} lines,
 * {@code #} comments), so operators can reuse the keys they know. Unknown keys are rejected
 * with the line number rather than silently ignored.
 */
final class ConfigFile {

  private final Map<String, String> values;

  private ConfigFile(Map<String, String> values) {
    this.values = values;
  }

  static ConfigFile read(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    int lineNumber = 0;
    for (String raw : Files.readAllLines(file)) {
      lineNumber++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IOException(file + ":" + lineNumber + ": expected 'key = value'");
      }
      values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return new ConfigFile(values);
  }

  /** An integer setting that is not the broker's (management.tcp.port ...), or null if absent. */
  Integer intValue(String key) throws IOException {
    String v = values.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IOException("'" + key + "' must be a number, not '" + v + "'");
    }
  }

  /** A setting that is not the broker's (nodename, cluster_secret_file ...), or null if absent. */
  String value(String key) {
    return values.get(key);
  }

  /**
   * classic_config's node list: the values of cluster_formation.classic_config.nodes.1, .2 ...
   * in the order of their numbers.
   */
  java.util.List<String> clusterNodes() {
    java.util.TreeMap<Integer, String> byNumber = new java.util.TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(CLASSIC_CONFIG_NODES)) {
        byNumber.put(Integer.parseInt(k.substring(CLASSIC_CONFIG_NODES.length())), v);
      }
    });
    return java.util.List.copyOf(byNumber.values());
  }

  private static final String CLASSIC_CONFIG_NODES = "cluster_formation.classic_config.nodes.";

  /** A number between 0 and 1, such as vm_memory_high_watermark.relative's 0.4. */
  private static double fraction(String key, String v) throws IOException {
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException("'" + key + "' must be a number between 0 and 1, not '" + v + "'");
  }

  BrokerConfig applyTo(BrokerConfig config) throws IOException {
    BrokerConfig c = config;
    for (Map.Entry<String, String> e : values.entrySet()) {
      String v = e.getValue();
      c = switch (e.getKey()) {
        case "listeners.tcp.default", "listeners.tcp.1" -> applyListener(c, v);
        case "default_user" -> c.withDefaultUser(v, c.defaultPassword());
        case "default_pass" -> c.withDefaultUser(c.defaultUser(), v);
        case "default_vhost" -> c.withDefaultVhost(v);
        case "disk_free_limit.absolute" -> c.withDiskFreeLimit(ByteSize.parse(v));
        // of the JVM's maximum heap, the memory Warren has (RabbitMQ: of the machine's RAM)
        case "vm_memory_high_watermark.relative" ->
            c.withMemoryLimit(BrokerConfig.heapShare(fraction(e.getKey(), v)));
        case "vm_memory_high_watermark.absolute" -> c.withMemoryLimit(ByteSize.parse(v));
        case "heartbeat" -> c.withHeartbeat(Duration.ofSeconds(Integer.parseInt(v)));
        case "frame_max" -> c.withFrameMax(Integer.parseInt(v));
        case "channel_max" -> c.withChannelMax(Integer.parseInt(v));
        case "loopback_users", "loopback_users.guest" -> c.withLoopbackOnlyUsers(!v.equals("none") && !v.equals("false"));
        case "data_dir" -> c.withDataDir(Path.of(v));
        case "io_threads" -> c.withIoThreads(Integer.parseInt(v));
        // read by the server through intValue(): the broker itself serves no HTTP
        case "management.tcp.port", "prometheus.tcp.port" -> c;
        // read by the server: they make the broker a node of a cluster
        case "nodename", "cluster_port", "cluster_secret_file" -> c;
        case "cluster_formation.peer_discovery_backend" -> {
          if (!v.equals("classic_config") && !v.equals("rabbit_peer_discovery_classic_config")) {
            throw new IOException("cluster_formation.peer_discovery_backend '" + v
                + "' is not supported: Warren discovers peers with classic_config only");
          }
          yield c;
        }
        default -> {
          if (e.getKey().startsWith(CLASSIC_CONFIG_NODES)
              && e.getKey().substring(CLASSIC_CONFIG_NODES.length()).matches("[0-9]+")) {
            yield c;
          }
          throw new IOException("unknown configuration key '" + e.getKey() + "'");
        }
      };
    }
    return c;
  }

  /** "5672" or "127.0.0.1:5672" or "[::1]:5672". */
  private static BrokerConfig applyListener(BrokerConfig c, String v) {
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      return c.withPort(Integer.parseInt(v));
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return c.withBindAddress(host).withPort(Integer.parseInt(v.substring(colon + 1)));
  }
}

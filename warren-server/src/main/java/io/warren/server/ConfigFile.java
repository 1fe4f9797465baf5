package io.warren.server;

import io.warren.broker.BrokerConfig;
import io.warren.broker.auth.CertificateLogin;
import io.warren.broker.tls.TlsOptions;
import io.warren.broker.tls.TlsProvider;
import io.warren.management.ManagementSettings;
import io.warren.management.http.HttpLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

  /** The log.* settings present (see {@link Logging}). */
  Map<String, String> logSettings() {
    Map<String, String> log = new LinkedHashMap<>();
    for (String key : Logging.KEYS) {
      if (values.containsKey(key)) {
        log.put(key, values.get(key));
      }
    }
    return log;
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

  /** The management listener's limits and security headers, RabbitMQ's keys over Warren's defaults. */
  ManagementSettings managementSettings() throws IOException {
    ManagementSettings m = ManagementSettings.DEFAULTS.withLimits(httpLimits("management.tcp."));
    Integer maxBody = intValue("management.http_max_body_size");
    if (maxBody != null) {
      m = m.withLimits(m.limits().withMaxBodySize(maxBody));
    }
    if (values.containsKey("management.csp.policy")) {
      m = m.withContentSecurityPolicy(values.get("management.csp.policy"));
    }
    if (values.containsKey("management.headers.frame_options")) {
      m = m.withFrameOptions(values.get("management.headers.frame_options"));
    }
    if (values.containsKey("management.headers.content_type_options")) {
      m = m.withContentTypeOptions(values.get("management.headers.content_type_options"));
    }
    return m;
  }

  /** The Prometheus listener's timeouts ({@code prometheus.tcp.*}, as rabbitmq_prometheus names them). */
  HttpLimits prometheusLimits() throws IOException {
    return httpLimits("prometheus.tcp.");
  }

  /** cowboy's three timeouts under a listener's prefix, in milliseconds as RabbitMQ reads them. */
  private HttpLimits httpLimits(String prefix) throws IOException {
    HttpLimits limits = HttpLimits.DEFAULTS;
    Integer request = positive(prefix + "request_timeout");
    Integer idle = positive(prefix + "idle_timeout");
    Integer inactivity = positive(prefix + "inactivity_timeout");
    if (request != null) {
      limits = limits.withRequestTimeout(Duration.ofMillis(request));
    }
    if (idle != null) {
      limits = limits.withIdleTimeout(Duration.ofMillis(idle));
    }
    if (inactivity != null) {
      limits = limits.withInactivityTimeout(Duration.ofMillis(inactivity));
    }
    return limits;
  }

  private Integer positive(String key) throws IOException {
    Integer v = intValue(key);
    if (v != null && v <= 0) {
      throw new IOException("'" + key + "' must be a positive number of milliseconds, not '" + v + "'");
    }
    return v;
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

  /** Whether any key starts with {@code prefix}. */
  boolean hasKeyStartingWith(String prefix) {
    return values.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

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

  /** Warren's own {@code ssl_provider}: which TLS implementation every TLS listener uses. */
  TlsProvider tlsProvider() throws IOException {
    try {
      return values.containsKey("ssl_provider") ? TlsProvider.byName(values.get("ssl_provider")) : TlsProvider.DEFAULT;
    } catch (IllegalArgumentException e) {
      throw new IOException("'ssl_provider': " + e.getMessage());
    }
  }

  /**
   * The HTTPS options of the management or Prometheus listener ({@code management.ssl},
   * {@code prometheus.ssl}), or null when the file sets none; its port is {@code PREFIX.port}.
   */
  TlsOptions httpsOptions(String prefix) throws IOException {
    return TlsSettings.read(values, prefix, tlsProvider(), prefix + ".port");
  }

  /** A byte count between 1 and RabbitMQ's ceiling of 512 MiB, as its schema validates max_message_size. */
  private static long maxMessageSize(String v) throws IOException {
    try {
      long n = Long.parseLong(v);
      if (n >= 1 && n <= BrokerConfig.MAX_MESSAGE_SIZE_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException("'max_message_size' must be a number of bytes between 1 and "
        + BrokerConfig.MAX_MESSAGE_SIZE_LIMIT + ", not '" + v + "'");
  }

  BrokerConfig applyTo(BrokerConfig config) throws IOException {
    BrokerConfig c = config;
    TreeMap<Integer, String> mechanisms = new TreeMap<>();
    int sslPort = -1;
    String sslBind = null;
    for (Map.Entry<String, String> e : values.entrySet()) {
      String v = e.getValue();
      if (TlsSettings.owns("ssl_options", e.getKey()) || TlsSettings.owns("management.ssl", e.getKey())
          || TlsSettings.owns("prometheus.ssl", e.getKey())) {
        continue; // read as a whole below and by httpsOptions()
      }
      if (e.getKey().startsWith("auth_mechanisms.")) {
        mechanisms.put(TlsSettings.index(e.getKey(), e.getKey().substring("auth_mechanisms.".length())),
            mechanism(e.getKey(), v));
        continue;
      }
      if (e.getKey().equals("listeners.ssl.default") || e.getKey().equals("listeners.ssl.1")) {
        BrokerConfig listener = applyListener(BrokerConfig.defaults().withBindAddress(null), v);
        sslPort = listener.port();
        sslBind = listener.bindAddress();
        continue;
      }
      c = switch (e.getKey()) {
        case "listeners.tcp.default", "listeners.tcp.1" -> applyListener(c, v);
        case "ssl_cert_login_from" -> {
          try {
            yield c.withSslCertLoginFrom(CertificateLogin.byName(v));
          } catch (IllegalArgumentException bad) {
            throw new IOException(bad.getMessage());
          }
        }
        case "ssl_provider" -> c; // read by tlsProvider()
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
        case "max_message_size" -> c.withMaxMessageSize(maxMessageSize(v));
        case "loopback_users", "loopback_users.guest" -> c.withLoopbackOnlyUsers(!v.equals("none") && !v.equals("false"));
        case "data_dir" -> c.withDataDir(Path.of(v));
        case "io_threads" -> c.withIoThreads(Integer.parseInt(v));
        case "tcp_listen_options.send_timeout" -> c.withSendTimeout(Duration.ofMillis(Long.parseLong(v)));
        // read by the server (intValue, managementSettings, prometheusLimits): the broker serves no HTTP
        case "management.tcp.port", "prometheus.tcp.port", "management.tcp.request_timeout",
            "management.tcp.idle_timeout", "management.tcp.inactivity_timeout", "management.http_max_body_size",
            "management.csp.policy", "management.headers.frame_options", "management.headers.content_type_options",
            "prometheus.tcp.request_timeout", "prometheus.tcp.idle_timeout", "prometheus.tcp.inactivity_timeout" -> c;
        case "log.file", "log.dir", "log.file.level", "log.console", "log.console.level", "log.file.rotation.size",
            "log.file.rotation.count" -> c; // see Logging
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
          if (MqttConfig.KEYS.contains(e.getKey()) || StompConfig.KEYS.contains(e.getKey())) {
            yield c; // read by the server through MqttConfig and StompConfig
          }
          if (e.getKey().startsWith(CLASSIC_CONFIG_NODES)
              && e.getKey().substring(CLASSIC_CONFIG_NODES.length()).matches("[0-9]+")) {
            yield c;
          }
          throw new IOException("unknown configuration key '" + e.getKey() + "'");
        }
      };
    }
    if (!mechanisms.isEmpty()) {
      c = c.withAuthMechanisms(new ArrayList<>(mechanisms.values()));
    }
    TlsOptions sslOptions = TlsSettings.read(values, "ssl_options", tlsProvider());
    if (sslPort >= 0) {
      if (sslOptions == null) {
        throw new IOException("listeners.ssl.default needs ssl_options.certfile and ssl_options.keyfile");
      }
      if (sslBind != null && !sslBind.equals(c.bindAddress())) {
        throw new IOException("listeners.ssl.default must use the same address as listeners.tcp.default ("
            + c.bindAddress() + ")");
      }
      c = c.withSsl(sslPort, sslOptions);
    }
    return c;
  }

  /** RabbitMQ's mechanisms that Warren has; others (e.g. RABBIT-CR-DEMO) are refused by name. */
  private static String mechanism(String key, String name) throws IOException {
    if (!List.of("PLAIN", "AMQPLAIN", "EXTERNAL").contains(name)) {
      throw new IOException("'" + key + " = " + name + "': Warren supports PLAIN, AMQPLAIN and EXTERNAL");
    }
    return name;
  }

  /** "5672" or "127.0.0.1:5672" or "[::1]:5672". */
  static BrokerConfig applyListener(BrokerConfig c, String v) {
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

package io.warren.server;

import io.warren.broker.tls.TlsOptions;
import java.io.IOException;

/**
 * The HTTP and HTTPS listeners of the management API or of Prometheus, settled as RabbitMQ
 * settles them: HTTP on the default port unless something is configured; with only
 * {@code PREFIX.ssl.*} configured, HTTPS alone; with both, both. -1 means "no listener".
 */
final class HttpListeners {

  private final String prefix;
  private final int defaultPort;
  private Integer tcpPort;
  private Integer sslPort;
  private TlsOptions tls;

  HttpListeners(String prefix, int defaultPort) {
    this.prefix = prefix;
    this.defaultPort = defaultPort;
  }

  /** {@code PREFIX.tcp.port}, {@code PREFIX.ssl.port} and the other {@code PREFIX.ssl.*} keys. */
  void readFrom(ConfigFile file) throws IOException {
    tcpPort = file.intValue(prefix + ".tcp.port");
    sslPort = file.intValue(prefix + ".ssl.port");
    tls = file.httpsOptions(prefix + ".ssl");
  }

  /** Command-line flags win over the file. */
  void override(Integer flagPort, Integer flagSslPort) {
    if (flagPort != null) {
      tcpPort = flagPort;
    }
    if (flagSslPort != null) {
      sslPort = flagSslPort;
    }
  }

  /** Fails when a TLS port has no certificate or a certificate has no port. */
  void check() throws IOException {
    if (sslPort != null && sslPort >= 0 && tls == null) {
      throw new IOException(prefix + ".ssl.port needs " + prefix + ".ssl.certfile and " + prefix + ".ssl.keyfile");
    }
    if (tls != null && sslPort == null) {
      throw new IOException(prefix + ".ssl.* needs " + prefix + ".ssl.port");
    }
  }

  boolean enabled() {
    return port() >= 0 || sslPort() >= 0;
  }

  int port() {
    if (tcpPort != null) {
      return tcpPort;
    }
    return tls != null ? -1 : defaultPort;
  }

  int sslPort() {
    return sslPort == null || tls == null ? -1 : sslPort;
  }

  TlsOptions tls() {
    return tls;
  }
}

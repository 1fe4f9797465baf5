package io.warren.broker.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How one TLS listener presents itself and checks its clients, in the terms of RabbitMQ's
 * {@code ssl_options.*} keys (and {@code management.ssl.*}, {@code prometheus.ssl.*}).
 *
 * @param certFile         the server's certificate chain, PEM ({@code certfile})
 * @param keyFile          the server's private key, PEM: PKCS#8, or PKCS#1 RSA ({@code keyfile})
 * @param keyPassword      password of an encrypted PKCS#8 key, or null ({@code password})
 * @param caCertFile       CA certificates that client certificates must chain to, PEM, or null
 *                         ({@code cacertfile}); required when {@code verifyPeer} is on
 * @param verifyPeer       {@code verify = verify_peer}: ask for a client certificate and refuse
 *                         one that does not verify; {@code verify_none} (the default, as in
 *                         Erlang's TLS) asks for none
 * @param failIfNoPeerCert with verify_peer: also refuse a client that presents no certificate
 * @param versions         protocol versions in Java's spelling ("TLSv1.3", "TLSv1.2")
 * @param provider         the TLS implementation
 */
public record TlsOptions(
    Path certFile,
    Path keyFile,
    String keyPassword,
    Path caCertFile,
    boolean verifyPeer,
    boolean failIfNoPeerCert,
    List<String> versions,
    TlsProvider provider) {

  /** RabbitMQ's AMQPS port. */
  public static final int DEFAULT_AMQPS_PORT = 5671;
  /** TLS 1.3 and 1.2, as RabbitMQ 3.10 enables by default; older versions are refused. */
  public static final List<String> DEFAULT_VERSIONS = List.of("TLSv1.3", "TLSv1.2");

  public TlsOptions {
    Objects.requireNonNull(certFile, "certfile");
    Objects.requireNonNull(keyFile, "keyfile");
    versions = List.copyOf(versions);
  }

  /** A server certificate and key with RabbitMQ's defaults for everything else. */
  public static TlsOptions of(Path certFile, Path keyFile) {
    return new TlsOptions(certFile, keyFile, null, null, false, false, DEFAULT_VERSIONS, TlsProvider.DEFAULT);
  }

  public TlsOptions withCaCertFile(Path file) {
    return new TlsOptions(certFile, keyFile, keyPassword, file, verifyPeer, failIfNoPeerCert, versions, provider);
  }

  /** {@code verify = verify_peer} with {@code fail_if_no_peer_cert} as given. */
  public TlsOptions withPeerVerification(boolean verify, boolean failIfNoCert) {
    return new TlsOptions(certFile, keyFile, keyPassword, caCertFile, verify, failIfNoCert, versions, provider);
  }

  public TlsOptions withVersions(List<String> value) {
    return new TlsOptions(certFile, keyFile, keyPassword, caCertFile, verifyPeer, failIfNoPeerCert, value, provider);
  }

  public TlsOptions withProvider(TlsProvider value) {
    return new TlsOptions(certFile, keyFile, keyPassword, caCertFile, verifyPeer, failIfNoPeerCert, versions, value);
  }

  public TlsOptions withKeyPassword(String value) {
    return new TlsOptions(certFile, keyFile, value, caCertFile, verifyPeer, failIfNoPeerCert, versions, provider);
  }

  /** RabbitMQ's spelling of a version ("tlsv1.2") in Java's ("TLSv1.2"); null for one Warren refuses. */
  public static String javaVersionName(String rabbitName) {
    return switch (rabbitName) {
      case "tlsv1.3" -> "TLSv1.3";
      case "tlsv1.2" -> "TLSv1.2";
      default -> null;
    };
  }
}

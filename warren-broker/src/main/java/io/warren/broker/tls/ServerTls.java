package io.warren.broker.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Builds the Netty {@link SslContext} of a TLS listener from {@link TlsOptions}: the PEM files
 * RabbitMQ's {@code ssl_options} name, its verify / fail_if_no_peer_cert pair as Netty's client
 * authentication mode, and the protocol versions.
 */
public final class ServerTls {

  private ServerTls() {
  }

  /**
   * A server context for {@code options}; fails with a message naming the file and the
   * setting when a file is missing or unreadable, so the broker refuses to start.
   */
  public static SslContext context(TlsOptions options) {
    requireReadable(options.certFile(), "certfile");
    requireReadable(options.keyFile(), "keyfile");
    if (options.caCertFile() != null) {
      requireReadable(options.caCertFile(), "cacertfile");
    }
    if (options.verifyPeer() && options.caCertFile() == null) {
      // Erlang would verify against no CA at all and refuse every client certificate.
      throw new IllegalArgumentException("verify = verify_peer needs a cacertfile to verify client certificates with");
    }
    SslProvider provider = options.provider().netty();
    try {
      X509Certificate[] chain = certificates(options.certFile());
      SslContextBuilder builder = SslContextBuilder.forServer(PemKeys.read(options.keyFile(), options.keyPassword()),
              chain)
          .sslProvider(provider)
          .protocols(options.versions())
          .clientAuth(clientAuth(options));
      if (options.caCertFile() != null) {
        builder.trustManager(certificates(options.caCertFile()));
      }
      return builder.build();
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot set up TLS with certfile " + options.certFile() + " and keyfile "
          + options.keyFile() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Erlang's verify_peer asks for a certificate and refuses a bad one, but lets a client with
   * none in unless fail_if_no_peer_cert is set; verify_none does not ask.
   */
  private static ClientAuth clientAuth(TlsOptions options) {
    if (!options.verifyPeer()) {
      return ClientAuth.NONE;
    }
    return options.failIfNoPeerCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL;
  }

  static X509Certificate[] certificates(Path pemFile) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      X509Certificate[] certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      if (certs.length == 0) {
        throw new GeneralSecurityException("no certificate in " + pemFile);
      }
      return certs;
    }
  }

  private static void requireReadable(Path file, String setting) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(setting + " " + file + " does not exist or cannot be read");
    }
  }

  /** For tests and tools: the private key a PEM file holds. */
  public static PrivateKey privateKey(Path pemFile, String password) throws IOException, GeneralSecurityException {
    return PemKeys.read(pemFile, password);
  }
}

package io.warren.broker.auth;

import io.warren.codec.LongString;

/**
 * SASL EXTERNAL as RabbitMQ's rabbitmq_auth_mechanism_ssl does it: the user name comes from the
 * client's verified TLS certificate ({@link CertificateLogin}), the response is ignored, and the
 * user must exist; no password is checked.
 */
public final class ExternalMechanism implements SaslMechanism {

  static final ExternalMechanism INSTANCE = new ExternalMechanism();

  private ExternalMechanism() {
  }

  @Override
  public String name() {
    return "EXTERNAL";
  }

  /**
   * Offered on every TLS connection, with a certificate or without: as RabbitMQ reasons, a
   * client then learns "no peer certificate" instead of failing to agree on a mechanism.
   */
  @Override
  public boolean offeredOn(Peer peer) {
    return peer.tls();
  }

  @Override
  public Login login(LongString response, Peer peer, UserRegistry users) {
    if (!peer.tls()) {
      return Login.refused(null, "not TLS connection");
    }
    if (peer.certificate() == null) {
      return Login.refused(null, "connection has no peer certificate");
    }
    if (!peer.verifiedPeer()) {
      // An unverified certificate proves nothing about its subject.
      return Login.refused(null, "TLS configuration is unsafe");
    }
    String name = peer.loginFrom().userName(peer.certificate());
    if (name == null) {
      return Login.refused(null, "no name found");
    }
    return users.find(name).map(Login::accepted)
        .orElseGet(() -> Login.refused(name, "user '" + name + "' - invalid credentials"));
  }
}

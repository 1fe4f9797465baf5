package io.warren.broker.auth;

import io.warren.codec.LongString;
import java.security.cert.X509Certificate;

/**
 * A SASL mechanism offered in connection.start. Each of RabbitMQ's mechanisms decides in one
 * start-ok: PLAIN and AMQPLAIN carry a user name and password, EXTERNAL takes the user name from
 * the client's TLS certificate.
 */
public sealed interface SaslMechanism permits PlainMechanism, AmqPlainMechanism, ExternalMechanism {

  /** The name sent in connection.start's mechanisms list and chosen in start-ok. */
  String name();

  /** Whether connection.start offers it on this connection (RabbitMQ's should_offer). */
  default boolean offeredOn(Peer peer) {
    return true;
  }

  /** Decides a start-ok's response. */
  Login login(LongString response, Peer peer, UserRegistry users);

  /**
   * What a mechanism may know of the client: whether it came over TLS, the certificate it
   * presented (null if none), whether the listener verifies certificates (verify_peer), and how
   * a certificate names its user.
   */
  record Peer(boolean tls, X509Certificate certificate, boolean verifiedPeer, CertificateLogin loginFrom) {

    public static final Peer PLAIN_TCP = new Peer(false, null, false, CertificateLogin.DISTINGUISHED_NAME);
  }

  /**
   * The outcome: the user when accepted; otherwise the name tried (for the log, may be null) and
   * why it was refused, in RabbitMQ's words where it has them.
   */
  record Login(User user, String userName, String refusal) {

    static Login accepted(User user) {
      return new Login(user, user.name(), null);
    }

    static Login refused(String userName, String why) {
      return new Login(null, userName, why);
    }

    /** PLAIN's and AMQPLAIN's check of a {user name, password} pair; null for a malformed response. */
    static Login withPassword(String[] credentials, UserRegistry users) {
      if (credentials == null) {
        return refused(null, "malformed response");
      }
      return users.authenticate(credentials[0], credentials[1]).map(Login::accepted)
          .orElseGet(() -> refused(credentials[0], "invalid credentials"));
    }
  }

  /** The mechanism named in start-ok, or null for one Warren does not know. */
  static SaslMechanism byName(String name) {
    return switch (name) {
      case "PLAIN" -> PlainMechanism.INSTANCE;
      case "AMQPLAIN" -> AmqPlainMechanism.INSTANCE;
      case "EXTERNAL" -> ExternalMechanism.INSTANCE;
      default -> null;
    };
  }
}

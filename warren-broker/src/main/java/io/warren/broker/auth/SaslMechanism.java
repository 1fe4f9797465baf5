package io.warren.broker.auth;

import io.warren.codec.LongString;

/**
 * A SASL mechanism offered in connection.start. Both of RabbitMQ's default mechanisms carry
 * the user name and password in a single start-ok response, so one call decides.
 */
public sealed interface SaslMechanism permits PlainMechanism, AmqPlainMechanism {

  /** The name sent in connection.start's mechanisms list and chosen in start-ok. */
  String name();

  /**
   * Extracts the credentials from a start-ok response; null when the response is malformed
   * (which RabbitMQ treats as a failed login).
   */
  Credentials parse(LongString response);

  /** A user name and password from a client. */
  record Credentials(String username, String password) {
  }

  static SaslMechanism byName(String name) {
    return switch (name) {
      case "PLAIN" -> PlainMechanism.INSTANCE;
      case "AMQPLAIN" -> AmqPlainMechanism.INSTANCE;
      default -> null;
    };
  }
}

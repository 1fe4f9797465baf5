package io.warren.broker.auth;

import io.warren.codec.LongString;
import java.nio.charset.StandardCharsets;

/** SASL PLAIN (RFC 4616): authzid NUL authcid NUL password; the authzid is ignored. */
public final class PlainMechanism implements SaslMechanism {

  static final PlainMechanism INSTANCE = new PlainMechanism();

  private PlainMechanism() {
  }

  @Override
  public String name() {
    return "PLAIN";
  }

  @Override
  public Login login(LongString response, Peer peer, UserRegistry users) {
    return Login.withPassword(parse(response), users);
  }

  /** {user name, password}, or null when the response is malformed (a failed login, as RabbitMQ). */
  static String[] parse(LongString response) {
    String s = new String(response.bytes(), StandardCharsets.UTF_8);
    int first = s.indexOf('\0');
    int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
    if (second < 0) {
      return null;
    }
    return new String[] {s.substring(first + 1, second), s.substring(second + 1)};
  }
}

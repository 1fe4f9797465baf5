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
  public Credentials parse(LongString response) {
    String s = new String(response.bytes(), StandardCharsets.UTF_8);
    int first = s.indexOf('\0');
    int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
    if (second < 0) {
      return null;
    }
    return new Credentials(s.substring(first + 1, second), s.substring(second + 1));
  }
}

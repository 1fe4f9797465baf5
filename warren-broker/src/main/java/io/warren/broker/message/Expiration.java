package io.warren.broker.message;

import io.warren.broker.AmqpException;
import java.math.BigInteger;

/**
 * The expiration property (per-message TTL): a decimal number of milliseconds in a shortstr.
 * RabbitMQ reads it as Erlang's {@code string:to_integer} does (an optional sign, then digits,
 * nothing after them) and refuses the publish with 406 otherwise, in the words checked here.
 */
public final class Expiration {

  /** RabbitMQ's upper bound for a TTL: ten years in milliseconds. */
  static final long MAX_MILLIS = 315_360_000_000L;

  private Expiration() {
  }

  /** The TTL in milliseconds; 406 PRECONDITION_FAILED when RabbitMQ would refuse the value. */
  public static long parse(String expiration) {
    int i = 0;
    if (i < expiration.length() && (expiration.charAt(i) == '+' || expiration.charAt(i) == '-')) {
      i++;
    }
    int digitsStart = i;
    while (i < expiration.length() && expiration.charAt(i) >= '0' && expiration.charAt(i) <= '9') {
      i++;
    }
    if (i == digitsStart) {
      throw invalid(expiration, "no_integer");
    }
    if (i < expiration.length()) {
      throw invalid(expiration, "{leftover_string,\"" + expiration.substring(i) + "\"}");
    }
    // BigInteger: the digits may be more than a long holds, and the error quotes the value
    BigInteger value = new BigInteger(expiration.substring(0, i));
    if (value.signum() < 0) {
      throw invalid(expiration, "{value_negative," + value + "}");
    }
    if (value.compareTo(BigInteger.valueOf(MAX_MILLIS)) > 0) {
      throw invalid(expiration, "{value_too_large," + value + "}");
    }
    return value.longValue();
  }

  private static AmqpException invalid(String expiration, String reason) {
    return AmqpException.preconditionFailed("invalid expiration '%s': %s", expiration, reason);
  }
}

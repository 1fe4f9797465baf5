package io.warren.broker.connection;

import io.warren.broker.AmqpException;

/**
 * Checks the limits a client accepts in connection.tune-ok against what the server proposed,
 * the way RabbitMQ does: a value below the protocol minimum, or above (or, as 0 = "no limit",
 * beyond) the server's maximum, closes the connection with 530 NOT_ALLOWED.
 */
final class Tuning {

  private Tuning() {
  }

  static void checkNegotiated(String field, int minimum, int serverMaximum, int clientValue) {
    long client = Integer.toUnsignedLong(clientValue);
    if (client != 0 && client < minimum) {
      throw AmqpException.notAllowed("negotiated %s = %d is lower than the minimum allowed value (%d)",
          field, client, minimum);
    }
    if (serverMaximum != 0 && (client == 0 || client > serverMaximum)) {
      String detail = client == 0 && field.equals("channel_max") ? " (no limit)" : "";
      throw AmqpException.notAllowed("negotiated %s = %d%s is higher than the maximum allowed value (%d)",
          field, client, detail, serverMaximum);
    }
  }
}

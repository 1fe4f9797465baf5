package io.warren.broker.message;

import io.warren.codec.BasicProperties;
import java.util.LinkedHashMap;
import java.util.Map;

/** Property rewrites the broker applies to messages on their way through. */
public final class Messages {

  private Messages() {
  }

  /**
   * RabbitMQ's sender-selected distribution: the BCC header routes like CC but is removed
   * before the message reaches any consumer.
   */
  public static Message withoutBcc(Message m) {
    Map<String, Object> headers = m.properties().headers();
    if (headers == null || !headers.containsKey("BCC")) {
      return m;
    }
    Map<String, Object> stripped = new LinkedHashMap<>(headers);
    stripped.remove("BCC");
    return m.withProperties(m.properties().withHeaders(stripped));
  }
}

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
    Object bcc = stripped.remove("BCC");
    java.util.List<String> keys = new java.util.ArrayList<>();
    if (bcc instanceof java.util.List<?> list) {
      for (Object key : list) {
        if (key instanceof io.warren.codec.LongString || key instanceof String) {
          keys.add(key.toString());
        }
      }
    }
    return m.withProperties(m.properties().withHeaders(stripped)).withBccKeys(keys);
  }
}

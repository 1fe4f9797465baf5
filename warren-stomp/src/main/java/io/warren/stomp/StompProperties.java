package io.warren.stomp;

import io.netty.handler.codec.stomp.StompHeaders;
import io.warren.codec.BasicProperties;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * SEND headers as AMQP properties and AMQP properties as MESSAGE headers, as RabbitMQ's STOMP
 * plugin translates them: {@code content-type}, {@code content-encoding}, {@code persistent}
 * (delivery mode 2), {@code priority}, {@code correlation-id}, {@code reply-to},
 * {@code expiration}, {@code message-id} (as {@code amqp-message-id} on MESSAGE frames, whose
 * own {@code message-id} is the delivery's), {@code timestamp} (seconds), {@code type},
 * {@code user-id}, {@code app-id}; any other header travels in the AMQP headers table.
 */
final class StompProperties {

  /** Headers that steer the frame itself and are never copied into the message. */
  private static final Set<String> FRAME_HEADERS = Set.of("destination", "receipt", "transaction", "content-length",
      "ack", "id", "subscription", "message-id", "prefetch-count", "durable", "auto-delete", "exclusive",
      "x-queue-name", "x-queue-type", "redelivered", "persistent", "content-type", "content-encoding", "priority",
      "correlation-id", "reply-to", "expiration", "amqp-message-id", "timestamp", "type", "user-id", "app-id");

  private StompProperties() {
  }

  static BasicProperties fromSend(StompHeaders h) {
    BasicProperties p = BasicProperties.EMPTY;
    String v;
    if ((v = h.getAsString("content-type")) != null) {
      p = p.withContentType(v);
    }
    if ((v = h.getAsString("content-encoding")) != null) {
      p = p.withContentEncoding(v);
    }
    if ("true".equals(h.getAsString("persistent"))) {
      p = p.withDeliveryMode(2);
    }
    if ((v = h.getAsString("priority")) != null) {
      p = p.withPriority(number("priority", v));
    }
    if ((v = h.getAsString("correlation-id")) != null) {
      p = p.withCorrelationId(v);
    }
    if ((v = h.getAsString("reply-to")) != null) {
      p = p.withReplyTo(v);
    }
    if ((v = h.getAsString("expiration")) != null) {
      p = p.withExpiration(v);
    }
    if ((v = h.getAsString("amqp-message-id")) != null || (v = h.getAsString("message-id")) != null) {
      p = p.withMessageId(v);
    }
    if ((v = h.getAsString("timestamp")) != null) {
      p = p.withTimestamp(new Date(number("timestamp", v) * 1000L));
    }
    if ((v = h.getAsString("type")) != null) {
      p = p.withType(v);
    }
    if ((v = h.getAsString("user-id")) != null) {
      p = p.withUserId(v);
    }
    if ((v = h.getAsString("app-id")) != null) {
      p = p.withAppId(v);
    }
    Map<String, Object> custom = new LinkedHashMap<>();
    for (Map.Entry<CharSequence, CharSequence> e : h) {
      String name = e.getKey().toString();
      if (!FRAME_HEADERS.contains(name) && !custom.containsKey(name)) {
        custom.put(name, e.getValue().toString());
      }
    }
    if (!custom.isEmpty()) {
      p = p.withHeaders(custom);
    }
    return p;
  }

  /** Adds a delivered message's properties to a MESSAGE frame's headers. */
  static void toMessage(BasicProperties p, StompHeaders h) {
    if (p.headers() != null) {
      for (Map.Entry<String, Object> e : p.headers().entrySet()) {
        Object v = e.getValue();
        if (v instanceof byte[] bytes) {
          h.set(e.getKey(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8)); // an AMQP long string
        } else if (v != null && isSimple(v)) {
          h.set(e.getKey(), v.toString());
        }
      }
    }
    setIf(h, "content-type", p.contentType());
    setIf(h, "content-encoding", p.contentEncoding());
    if (p.deliveryMode() != null && p.deliveryMode() == 2) {
      h.set("persistent", "true");
    }
    setIf(h, "priority", p.priority());
    setIf(h, "correlation-id", p.correlationId());
    setIf(h, "reply-to", p.replyTo());
    setIf(h, "expiration", p.expiration());
    setIf(h, "amqp-message-id", p.messageId());
    setIf(h, "timestamp", p.timestamp() == null ? null : p.timestamp().getTime() / 1000);
    setIf(h, "type", p.type());
    setIf(h, "user-id", p.userId());
    setIf(h, "app-id", p.appId());
  }

  private static boolean isSimple(Object v) {
    return v instanceof CharSequence || v instanceof io.warren.codec.LongString || v instanceof Number
        || v instanceof Boolean;
  }

  private static void setIf(StompHeaders h, String name, Object value) {
    if (value != null) {
      h.set(name, value.toString());
    }
  }

  private static int number(String header, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new StompError("Invalid header", "'" + header + "' must be a number, not '" + v + "'.");
    }
  }
}

package io.warren.management.http;

import io.warren.codec.BasicProperties;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/** Message properties as the management API shows and accepts them (only the ones set). */
final class PropertiesJson {

  private PropertiesJson() {
  }

  static Map<String, Object> toJson(BasicProperties p) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "content_type", p.contentType());
    put(m, "content_encoding", p.contentEncoding());
    put(m, "headers", p.headers() == null ? null : Json.fromAmqpTable(p.headers()));
    put(m, "delivery_mode", p.deliveryMode());
    put(m, "priority", p.priority());
    put(m, "correlation_id", p.correlationId());
    put(m, "reply_to", p.replyTo());
    put(m, "expiration", p.expiration());
    put(m, "message_id", p.messageId());
    put(m, "timestamp", p.timestamp() == null ? null : p.timestamp().getTime() / 1000);
    put(m, "type", p.type());
    put(m, "user_id", p.userId());
    put(m, "app_id", p.appId());
    put(m, "cluster_id", p.clusterId());
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  static BasicProperties fromJson(Map<?, ?> json) {
    if (json == null) {
      return BasicProperties.EMPTY;
    }
    return new BasicProperties(str(json, "content_type"), str(json, "content_encoding"),
        json.get("headers") instanceof Map<?, ?> h ? Json.toAmqpTable(h) : null, integer(json, "delivery_mode"),
        integer(json, "priority"), str(json, "correlation_id"), str(json, "reply_to"), str(json, "expiration"),
        str(json, "message_id"), json.get("timestamp") instanceof Number t ? new Date(t.longValue() * 1000) : null,
        str(json, "type"), str(json, "user_id"), str(json, "app_id"), str(json, "cluster_id"));
  }

  private static String str(Map<?, ?> json, String key) {
    Object v = json.get(key);
    return v == null ? null : v.toString();
  }

  private static Integer integer(Map<?, ?> json, String key) {
    Object v = json.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(v.toString());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid value for " + key + ": " + v);
    }
  }
}

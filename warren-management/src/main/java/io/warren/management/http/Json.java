package io.warren.management.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.warren.codec.LongString;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out, and the translation between AMQP field values and JSON as RabbitMQ's
 * management plugin does it: long strings become strings, tables objects, arrays lists.
 */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass(), e);
    }
  }

  /** Any JSON value (for tests and the definitions file). */
  public static Object read(byte[] body) throws IOException {
    return MAPPER.readValue(body, Object.class);
  }

  /**
   * A request body as an object, with RabbitMQ's leniency: an empty body or "null" is an empty
   * object; anything else that is not an object is a 400.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || text.equals("null") || text.equals("undefined")) {
      return new LinkedHashMap<>();
    }
    Object value;
    try {
      value = MAPPER.readValue(text, Object.class);
    } catch (IOException e) {
      throw ApiException.badRequest("not_json");
    }
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    if (value instanceof String) {
      throw ApiException.badRequest("invalid payload: the request body JSON-decoded to a string. "
          + "Is the input doubly-JSON-encoded?");
    }
    if (value == null || value instanceof Boolean) {
      return new LinkedHashMap<>();
    }
    throw ApiException.badRequest("not_json");
  }

  /** An AMQP field value as JSON. */
  public static Object fromAmqp(Object value) {
    return switch (value) {
      case null -> null;
      case LongString s -> s.toString();
      case byte[] bytes -> utf8OrBase64(bytes);
      case Map<?, ?> table -> {
        Map<String, Object> out = new LinkedHashMap<>();
        table.forEach((k, v) -> out.put(String.valueOf(k), fromAmqp(v)));
        yield out;
      }
      case List<?> list -> {
        List<Object> out = new ArrayList<>(list.size());
        list.forEach(v -> out.add(fromAmqp(v)));
        yield out;
      }
      case Date d -> d.getTime() / 1000;
      case BigDecimal d -> d;
      case Number n -> n;
      case Boolean b -> b;
      case Character c -> String.valueOf(c);
      default -> value.toString();
    };
  }

  /** A table of AMQP arguments as JSON. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> fromAmqpTable(Map<String, Object> table) {
    return table == null ? new LinkedHashMap<>() : (Map<String, Object>) fromAmqp(table);
  }

  /** A JSON value as the AMQP field value a client would have sent (strings as long strings). */
  public static Object toAmqp(Object value) {
    return switch (value) {
      case null -> null;
      case String s -> LongString.of(s);
      case Map<?, ?> map -> toAmqpTable(map);
      case List<?> list -> {
        List<Object> out = new ArrayList<>(list.size());
        list.forEach(v -> out.add(toAmqp(v)));
        yield out;
      }
      case Double d -> BigDecimal.valueOf(d);
      default -> value;
    };
  }

  public static Map<String, Object> toAmqpTable(Map<?, ?> json) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (json != null) {
      json.forEach((k, v) -> {
        if (v != null) {
          out.put(String.valueOf(k), toAmqp(v));
        }
      });
    }
    return out;
  }

  /** The payload as a string when it is valid UTF-8, else base64; returns {text, encoding}. */
  public static String[] payload(byte[] bytes, boolean forceBase64) {
    if (!forceBase64) {
      try {
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        return new String[] {text, "string"};
      } catch (CharacterCodingException e) {
        // falls through to base64
      }
    }
    return new String[] {Base64.getEncoder().encodeToString(bytes), "base64"};
  }

  private static String utf8OrBase64(byte[] bytes) {
    return payload(bytes, false)[0];
  }
}

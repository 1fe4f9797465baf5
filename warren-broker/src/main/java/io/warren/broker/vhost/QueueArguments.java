package io.warren.broker.vhost;

import io.warren.broker.AmqpException;
import io.warren.broker.message.FieldTypes;
import io.warren.codec.LongString;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The x-arguments of queue.declare that RabbitMQ validates on creation and compares on
 * redeclaration, with its error wording. Values print the way RabbitMQ prints Erlang terms
 * ({value_negative,-1}), since clients and operators match on those texts.
 */
final class QueueArguments {

  /** Arguments that must be equal when a queue is declared again. */
  private static final List<String> EQUIVALENCE_KEYS = List.of(
      "x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-length",
      "x-max-length-bytes", "x-max-priority", "x-overflow", "x-queue-mode", "x-queue-type",
      "x-single-active-consumer", "x-queue-master-locator", "x-queue-version");

  private QueueArguments() {
  }

  static void validate(String queue, String vhost, Map<String, Object> args) {
    if (args.containsKey("x-dead-letter-routing-key") && !args.containsKey("x-dead-letter-exchange")) {
      throw AmqpException.preconditionFailed("invalid arg '%s' for queue '%s' in vhost '%s': %s",
          "x-dead-letter-routing-key", queue, vhost, "routing_key_but_no_dlx_defined");
    }
    for (Map.Entry<String, Object> e : args.entrySet()) {
      String problem = problemWith(e.getKey(), e.getValue());
      if (problem != null) {
        throw AmqpException.preconditionFailed("invalid arg '%s' for queue '%s' in vhost '%s': %s",
            e.getKey(), queue, vhost, problem);
      }
    }
  }

  /** What RabbitMQ would say is wrong with one argument, or null when it is fine or not checked. */
  private static String problemWith(String key, Object value) {
    return switch (key) {
      case "x-expires" -> positiveInteger(value, false);
      case "x-message-ttl", "x-max-length", "x-max-length-bytes" -> positiveInteger(value, true);
      case "x-max-priority" -> {
        String p = positiveInteger(value, true);
        if (p == null && ((Number) value).longValue() > 255) {
          yield "{max_value_exceeded," + value + "}";
        }
        yield p;
      }
      case "x-dead-letter-exchange", "x-dead-letter-routing-key" ->
          isString(value) ? null : "{unacceptable_type," + typeName(value) + "}";
      case "x-overflow" -> oneOf(value, "drop-head", "reject-publish", "reject-publish-dlx") == null ? null
          : "invalid_overflow";
      case "x-queue-mode" -> oneOf(value, "default", "lazy");
      case "x-queue-type" -> queueType(value);
      case "x-single-active-consumer" -> value instanceof Boolean ? null
          : "{unacceptable_type," + typeName(value) + "}";
      default -> null;
    };
  }

  /**
   * RabbitMQ's answer to a queue type it does not know. Warren gives it for streams too: until
   * streams are implemented, a stream declared here would be a plain queue whose consumers
   * remove what they read, so refusing is the honest answer. Quorum queues are accepted and
   * behave as classic ones (see README).
   */
  private static String queueType(Object value) {
    if (!isString(value)) {
      return "{unacceptable_type," + typeName(value) + "}";
    }
    String type = value.toString();
    return type.equals("classic") || type.equals("quorum") ? null : "\"unsupported queue type '" + type + "'\"";
  }

  private static String positiveInteger(Object value, boolean zeroAllowed) {
    if (!isInteger(value)) {
      return "\"expected integer, got " + typeName(value) + "\"";
    }
    long v = ((Number) value).longValue();
    if (v < 0) {
      return "{value_negative," + v + "}";
    }
    if (v == 0 && !zeroAllowed) {
      return "{value_zero,0}";
    }
    return null;
  }

  private static String oneOf(Object value, String... allowed) {
    if (!isString(value)) {
      return "{unacceptable_type," + typeName(value) + "}";
    }
    String s = value.toString();
    for (String a : allowed) {
      if (a.equals(s)) {
        return null;
      }
    }
    return "<<\"" + s + "\">>";
  }

  static void checkEquivalent(String queue, String vhost, Map<String, Object> received, Map<String, Object> current) {
    for (String key : EQUIVALENCE_KEYS) {
      checkOneEquivalent("queue", queue, vhost, key, received, current);
    }
  }

  static void checkOneEquivalent(String kind, String entity, String vhost, String key, Map<String, Object> received,
      Map<String, Object> current) {
    Object r = received.get(key);
    Object c = current.get(key);
    if (sameValue(r, c)) {
      return;
    }
    // RabbitMQ names the types only when one side lacks the argument.
    boolean both = received.containsKey(key) && current.containsKey(key);
    throw AmqpException.preconditionFailed("inequivalent arg '%s' for %s '%s' in vhost '%s': received %s but current is %s",
        key, kind, entity, vhost, describe(r, received.containsKey(key), both), describe(c, current.containsKey(key), both));
  }

  /** Integers of different widths compare by value, as RabbitMQ compares by type class. */
  private static boolean sameValue(Object a, Object b) {
    if (isInteger(a) && isInteger(b)) {
      return ((Number) a).longValue() == ((Number) b).longValue();
    }
    if (isString(a) && isString(b)) {
      return a.toString().equals(b.toString());
    }
    return Objects.equals(a, b);
  }

  private static String describe(Object value, boolean present, boolean plain) {
    if (!present) {
      return "none";
    }
    return plain ? "'" + value + "'" : "the value '" + value + "' of type '" + typeName(value) + "'";
  }

  private static boolean isInteger(Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
  }

  private static boolean isString(Object v) {
    return v instanceof LongString || v instanceof String;
  }

  private static String typeName(Object v) {
    return FieldTypes.rabbitName(v);
  }
}

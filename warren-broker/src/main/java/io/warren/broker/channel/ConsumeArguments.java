package io.warren.broker.channel;

import io.warren.broker.AmqpException;
import io.warren.broker.message.FieldTypes;
import java.util.Map;

/**
 * The basic.consume arguments RabbitMQ checks for classic queues: x-priority must be an integer
 * and x-cancel-on-ha-failover a boolean, else 406 in RabbitMQ's words.
 */
final class ConsumeArguments {

  private ConsumeArguments() {
  }

  static void validate(String queue, String vhost, Map<String, Object> args) {
    if (args.isEmpty()) {
      return;
    }
    if (args.containsKey("x-priority") && !isInteger(args.get("x-priority"))) {
      throw invalid("x-priority", queue, vhost,
          "\"expected integer, got " + FieldTypes.rabbitName(args.get("x-priority")) + "\"");
    }
    if (args.containsKey("x-cancel-on-ha-failover") && !(args.get("x-cancel-on-ha-failover") instanceof Boolean)) {
      throw invalid("x-cancel-on-ha-failover", queue, vhost,
          "{unacceptable_type," + FieldTypes.rabbitName(args.get("x-cancel-on-ha-failover")) + "}");
    }
  }

  private static boolean isInteger(Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
  }

  private static AmqpException invalid(String key, String queue, String vhost, String reason) {
    return AmqpException.preconditionFailed("invalid arg '%s' for queue '%s' in vhost '%s': %s", key, queue, vhost,
        reason);
  }
}

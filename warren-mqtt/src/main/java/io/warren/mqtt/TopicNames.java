package io.warren.mqtt;

/**
 * MQTT topics as AMQP routing keys, the way RabbitMQ 3.x's MQTT plugin translates them: a level
 * separator {@code /} becomes {@code .} and the one-level wildcard {@code +} becomes {@code *}
 * ({@code #} means the same in both); on the way back {@code .} becomes {@code /} and
 * {@code *} becomes {@code +}. So a {@code .} inside an MQTT topic reaches an AMQP consumer as
 * is but comes back to MQTT subscribers as {@code /}, as with RabbitMQ 3.10.
 */
final class TopicNames {

  private TopicNames() {
  }

  /** An MQTT topic name or filter as an AMQP routing or binding key. */
  static String toRoutingKey(String mqttTopic) {
    return mqttTopic.replace('/', '.').replace('+', '*');
  }

  /** An AMQP routing key as the MQTT topic a subscriber sees. */
  static String toMqttTopic(String routingKey) {
    return routingKey.replace('.', '/').replace('*', '+');
  }

  /** A topic a client may publish to: not empty, no wildcards, no NUL (MQTT 3.1.1 §4.7.3). */
  static boolean isValidTopicName(String topic) {
    return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\0') < 0;
  }

  /** A subscription filter: '+' fills a whole level, '#' a whole last level (MQTT 3.1.1 §4.7.1). */
  static boolean isValidFilter(String filter) {
    if (filter.isEmpty() || filter.indexOf('\0') >= 0) {
      return false;
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
        return false;
      }
      if (level.contains("+") && !level.equals("+")) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code topic} matches {@code filter} by MQTT's rules (for retained messages). */
  static boolean matches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    if (topic.startsWith("$") && (f[0].equals("#") || f[0].equals("+"))) {
      return false; // §4.7.2: wildcards at the start do not match $-topics
    }
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length) {
        return false;
      }
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }
}

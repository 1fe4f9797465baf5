package io.warren.server;

import io.warren.mqtt.MqttSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code mqtt.*} keys of rabbitmq.conf, as RabbitMQ's MQTT plugin reads them. Warren has
 * no plugin files: the MQTT listener is enabled, as {@code rabbitmq-plugins enable
 * rabbitmq_mqtt} would enable it, when the configuration file has any {@code mqtt.*} key or
 * {@code --mqtt-port} is given, and stays off otherwise (the plugin ships disabled).
 */
final class MqttConfig {

  static final Set<String> KEYS = Set.of("mqtt.listeners.tcp.default", "mqtt.listeners.tcp.1", "mqtt.listeners.tcp",
      "mqtt.vhost", "mqtt.exchange", "mqtt.default_user", "mqtt.default_pass", "mqtt.allow_anonymous",
      "mqtt.prefetch", "mqtt.subscription_ttl", "mqtt.max_packet_size_authenticated");

  /** Whether the listener runs, its address and port, and the plugin's settings. */
  record Listener(boolean enabled, String bindAddress, int port, MqttSettings settings) {
  }

  private MqttConfig() {
  }

  static Listener read(ConfigFile file, String brokerBindAddress) throws IOException {
    MqttSettings s = MqttSettings.defaults();
    boolean enabled = file != null && file.hasKeyStartingWith("mqtt.");
    String bind = brokerBindAddress;
    int port = MqttSettings.DEFAULT_PORT;
    if (file == null) {
      return new Listener(false, bind, port, s);
    }
    for (String key : KEYS) {
      String v = file.value(key);
      if (v == null) {
        continue;
      }
      switch (key) {
        case "mqtt.listeners.tcp" -> {
          if (!v.equals("none")) {
            throw new IOException("'mqtt.listeners.tcp' may only be 'none' (use mqtt.listeners.tcp.default = PORT)");
          }
          enabled = false;
        }
        case "mqtt.listeners.tcp.default", "mqtt.listeners.tcp.1" -> {
          var listener = ConfigFile.applyListener(io.warren.broker.BrokerConfig.defaults().withBindAddress(bind), v);
          bind = listener.bindAddress();
          port = listener.port();
        }
        case "mqtt.vhost" -> s = s.withVhost(v);
        case "mqtt.exchange" -> s = s.withExchange(v);
        case "mqtt.default_user" -> s = s.withDefaultUser(v, s.defaultPass());
        case "mqtt.default_pass" -> s = s.withDefaultUser(s.defaultUser(), v);
        case "mqtt.allow_anonymous" -> s = s.withAllowAnonymous(bool(key, v));
        case "mqtt.prefetch" -> s = s.withPrefetch(number(key, v));
        case "mqtt.subscription_ttl" ->
            s = s.withSubscriptionTtl(v.equals("undefined") ? null : Duration.ofMillis(number(key, v)));
        case "mqtt.max_packet_size_authenticated" -> s = s.withMaxPacketSize(number(key, v));
        default -> throw new IllegalStateException(key);
      }
    }
    return new Listener(enabled, bind, port, s);
  }

  private static boolean bool(String key, String v) throws IOException {
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IOException("'" + key + "' must be true or false, not '" + v + "'");
    };
  }

  private static int number(String key, String v) throws IOException {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IOException("'" + key + "' must be a number, not '" + v + "'");
    }
  }
}

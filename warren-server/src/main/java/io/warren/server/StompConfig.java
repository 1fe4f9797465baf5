package io.warren.server;

import io.warren.stomp.StompSettings;
import java.io.IOException;
import java.util.Set;

/**
 * The {@code stomp.*} keys of rabbitmq.conf, as RabbitMQ's STOMP plugin reads them. As with
 * MQTT, the listener is on when the configuration file has any {@code stomp.*} key or
 * {@code --stomp-port} is given, and off otherwise (the plugin ships disabled).
 */
final class StompConfig {

  static final Set<String> KEYS = Set.of("stomp.listeners.tcp.default", "stomp.listeners.tcp.1", "stomp.listeners.tcp",
      "stomp.default_user", "stomp.default_pass", "stomp.default_vhost", "stomp.implicit_connect");

  record Listener(boolean enabled, String bindAddress, int port, StompSettings settings) {
  }

  private StompConfig() {
  }

  static Listener read(ConfigFile file, String brokerBindAddress) throws IOException {
    StompSettings s = StompSettings.defaults();
    String bind = brokerBindAddress;
    int port = StompSettings.DEFAULT_PORT;
    if (file == null) {
      return new Listener(false, bind, port, s);
    }
    boolean enabled = file.hasKeyStartingWith("stomp.");
    for (String key : KEYS) {
      String v = file.value(key);
      if (v == null) {
        continue;
      }
      switch (key) {
        case "stomp.listeners.tcp" -> {
          if (!v.equals("none")) {
            throw new IOException("'stomp.listeners.tcp' may only be 'none' (use stomp.listeners.tcp.default = PORT)");
          }
          enabled = false;
        }
        case "stomp.listeners.tcp.default", "stomp.listeners.tcp.1" -> {
          var listener = ConfigFile.applyListener(io.warren.broker.BrokerConfig.defaults().withBindAddress(bind), v);
          bind = listener.bindAddress();
          port = listener.port();
        }
        case "stomp.default_user" -> s = s.withDefaultUser(v, s.defaultPass());
        case "stomp.default_pass" -> s = s.withDefaultUser(s.defaultUser(), v);
        case "stomp.default_vhost" -> s = s.withDefaultVhost(v);
        case "stomp.implicit_connect" -> s = s.withImplicitConnect(switch (v) {
          case "true" -> true;
          case "false" -> false;
          default -> throw new IOException("'stomp.implicit_connect' must be true or false, not '" + v + "'");
        });
        default -> throw new IllegalStateException(key);
      }
    }
    return new Listener(enabled, bind, port, s);
  }
}

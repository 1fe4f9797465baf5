package io.warren.broker.connection;

import io.warren.broker.BrokerConfig;
import io.warren.codec.LongString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server-properties table of connection.start.
 *
 * <p>Warren reports product "RabbitMQ" and version 3.10.8 on purpose. Clients choose behaviour
 * from these two fields: kombu (and so Celery) applies RabbitMQ's reading of basic.qos (global
 * = shared by the channel, otherwise per consumer) only when product is "RabbitMQ" and version
 * is at least 3.3, and RabbitMQ's own client test suite picks its expectations from the version
 * (3.13 switched to "message containers" with other edge cases). Warren's behaviour, error texts
 * included, is checked against RabbitMQ 3.10.8, so that is the version it claims. The "warren"
 * and "information" keys tell humans what it really is.
 */
final class ServerProperties {

  static final String PRODUCT = "RabbitMQ";
  static final String COMPATIBLE_VERSION = "3.10.8";
  static final String WARREN_VERSION = io.warren.broker.WarrenVersion.current();

  private ServerProperties() {
  }

  static Map<String, Object> build(BrokerConfig config) {
    Map<String, Object> capabilities = new LinkedHashMap<>();
    for (String capability : new String[] {"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
        "consumer_cancel_notify", "connection.blocked", "consumer_priorities", "authentication_failure_close",
        "per_consumer_qos", "direct_reply_to"}) {
      capabilities.put(capability, Boolean.TRUE);
    }
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("capabilities", capabilities);
    props.put("cluster_name", LongString.of("warren@" + hostName()));
    props.put("copyright", LongString.of("Warren authors"));
    props.put("information", LongString.of("Warren " + WARREN_VERSION
        + ", an AMQP 0-9-1 broker for the JVM with RabbitMQ " + COMPATIBLE_VERSION + " semantics"));
    props.put("platform", LongString.of("Java " + Runtime.version().feature()));
    props.put("product", LongString.of(PRODUCT));
    props.put("version", LongString.of(COMPATIBLE_VERSION));
    props.put("warren", LongString.of(WARREN_VERSION));
    return props;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}

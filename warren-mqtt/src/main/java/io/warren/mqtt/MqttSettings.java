package io.warren.mqtt;

import java.time.Duration;

/**
 * The MQTT listener's settings, named after RabbitMQ's {@code mqtt.*} keys.
 *
 * @param vhost            {@code mqtt.vhost}: the vhost of clients whose user name names none
 * @param exchange         {@code mqtt.exchange}: the topic exchange MQTT topics are routing keys on
 * @param defaultUser      {@code mqtt.default_user}: who an anonymous client logs in as
 * @param defaultPass      {@code mqtt.default_pass}
 * @param allowAnonymous   {@code mqtt.allow_anonymous}: whether a CONNECT without credentials may log in
 * @param prefetch         {@code mqtt.prefetch}: QoS 1 deliveries in flight per client
 * @param subscriptionTtl  {@code mqtt.subscription_ttl}: how long a persistent session's queue
 *                         outlives its client (x-expires); null keeps it until the client cleans it
 * @param maxPacketSize    largest MQTT packet accepted, in bytes; a larger one closes the connection
 */
public record MqttSettings(String vhost, String exchange, String defaultUser, String defaultPass,
    boolean allowAnonymous, int prefetch, Duration subscriptionTtl, int maxPacketSize) {

  /** RabbitMQ's MQTT port. */
  public static final int DEFAULT_PORT = 1883;
  /** Big enough for any sensible payload, small enough that one client cannot take the heap. */
  public static final int DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;

  /** RabbitMQ's defaults: vhost "/", amq.topic, guest/guest, anonymous allowed, prefetch 10, a day's TTL. */
  public static MqttSettings defaults() {
    return new MqttSettings("/", "amq.topic", "guest", "guest", true, 10, Duration.ofDays(1),
        DEFAULT_MAX_PACKET_SIZE);
  }

  public MqttSettings withVhost(String v) {
    return new MqttSettings(v, exchange, defaultUser, defaultPass, allowAnonymous, prefetch, subscriptionTtl, maxPacketSize);
  }

  public MqttSettings withExchange(String v) {
    return new MqttSettings(vhost, v, defaultUser, defaultPass, allowAnonymous, prefetch, subscriptionTtl, maxPacketSize);
  }

  public MqttSettings withDefaultUser(String user, String pass) {
    return new MqttSettings(vhost, exchange, user, pass, allowAnonymous, prefetch, subscriptionTtl, maxPacketSize);
  }

  public MqttSettings withAllowAnonymous(boolean v) {
    return new MqttSettings(vhost, exchange, defaultUser, defaultPass, v, prefetch, subscriptionTtl, maxPacketSize);
  }

  public MqttSettings withPrefetch(int v) {
    return new MqttSettings(vhost, exchange, defaultUser, defaultPass, allowAnonymous, v, subscriptionTtl, maxPacketSize);
  }

  public MqttSettings withSubscriptionTtl(Duration v) {
    return new MqttSettings(vhost, exchange, defaultUser, defaultPass, allowAnonymous, prefetch, v, maxPacketSize);
  }

  public MqttSettings withMaxPacketSize(int v) {
    return new MqttSettings(vhost, exchange, defaultUser, defaultPass, allowAnonymous, prefetch, subscriptionTtl, v);
  }
}

package io.warren.mqtt;

import io.warren.broker.Broker;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What every MQTT connection shares, whichever listener (TCP, later WebSocket) accepted it: the
 * broker, the settings, the retained messages and the connected clients by vhost and client id.
 */
final class MqttContext {

  private final Broker broker;
  private final MqttSettings settings;
  private final RetainedMessages retained;
  /** "vhost\0clientId" → the connection that holds that client id now. */
  private final ConcurrentMap<String, MqttConnection> clients = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  MqttContext(Broker broker, MqttSettings settings) {
    this.broker = broker;
    this.settings = settings;
    this.retained = new RetainedMessages(broker.config().dataDir());
  }

  Broker broker() {
    return broker;
  }

  MqttSettings settings() {
    return settings;
  }

  RetainedMessages retained() {
    return retained;
  }

  /** Registers {@code connection} for its client id; returns the connection it takes over, or null. */
  MqttConnection register(String vhost, String clientId, MqttConnection connection) {
    return clients.put(vhost + '\0' + clientId, connection);
  }

  /** Forgets {@code connection}, unless another has taken its client id over since (then false). */
  boolean unregister(String vhost, String clientId, MqttConnection connection) {
    return clients.remove(vhost + '\0' + clientId, connection);
  }

  /** The listener is closing: connections it drops are not the clients' fault (no will messages). */
  void stopping() {
    stopping = true;
  }

  boolean isStopping() {
    return stopping;
  }

  /** Connected MQTT clients. */
  int clientCount() {
    return clients.size();
  }
}

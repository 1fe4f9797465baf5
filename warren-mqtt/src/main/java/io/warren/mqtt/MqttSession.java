package io.warren.mqtt;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.AmqpException;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.gateway.QueueSubscription;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT client's subscriptions, kept as RabbitMQ 3.x keeps them: in a queue per client and
 * QoS, {@code mqtt-subscription-<client id>qos0} (transient, auto-delete) and
 * {@code mqtt-subscription-<client id>qos1} (durable; with a persistent session it outlives the
 * connection, for {@code mqtt.subscription_ttl}), each topic filter a binding on the MQTT
 * exchange. The client consumes both: QoS 0 deliveries without acknowledgement, QoS 1 ones with
 * a packet id each, at most {@code mqtt.prefetch} in flight, settled by its PUBACK.
 *
 * <p>Event loop only.
 */
final class MqttSession implements QueueSubscription.Receiver {

  private static final Logger LOG = LoggerFactory.getLogger(MqttSession.class);
  static final String QOS_HEADER = "x-mqtt-publish-qos";
  /** SUBACK's failure return code. */
  static final int SUBSCRIPTION_FAILED = 0x80;

  /** Where the session's messages go: the connection writes them as PUBLISH packets. */
  interface Outbound {
    void publish(String topic, int qos, boolean retain, boolean dup, int packetId, byte[] payload);
  }

  /** A QoS 1 delivery awaiting its PUBACK; {@code subscription} is null for a retained message. */
  private record InFlight(QueueSubscription subscription, QueueEntry entry) {
  }

  private final MqttContext context;
  private final VirtualHost vhost;
  private final AccessControl access;
  private final String clientId;
  private final boolean cleanSession;
  private final Object owner;
  private final EventExecutor loop;
  private final BooleanSupplier writable;
  private final Outbound out;
  private final QueueSubscription[] subscriptions = new QueueSubscription[2];
  private final Map<Integer, InFlight> inFlight = new HashMap<>();
  private int lastPacketId;

  MqttSession(MqttContext context, VirtualHost vhost, AccessControl access, String clientId, boolean cleanSession,
      Object owner, EventExecutor loop, BooleanSupplier writable, Outbound out) {
    this.context = context;
    this.vhost = vhost;
    this.access = access;
    this.clientId = clientId;
    this.cleanSession = cleanSession;
    this.owner = owner;
    this.loop = loop;
    this.writable = writable;
    this.out = out;
  }

  static String queueName(String clientId, int qos) {
    return "mqtt-subscription-" + clientId + "qos" + qos;
  }

  /**
   * Starts the session: a clean one drops what an earlier session left; a persistent one
   * consumes its queues again. Returns whether a session was present (CONNACK's flag).
   */
  boolean begin() {
    boolean present = false;
    for (int qos = 0; qos <= 1; qos++) {
      AmqpQueue q = vhost.queue(queueName(clientId, qos));
      if (q == null) {
        continue;
      }
      if (cleanSession) {
        deleteQueue(q.name());
      } else {
        present = true;
        consume(q, qos);
      }
    }
    return present;
  }

  /** Subscribes {@code filter}; returns the QoS granted (QoS 2 is granted as 1) or {@link #SUBSCRIPTION_FAILED}. */
  int subscribe(String filter, int requestedQos) {
    if (!TopicNames.isValidFilter(filter)) {
      return SUBSCRIPTION_FAILED;
    }
    int qos = Math.min(requestedQos, 1);
    String exchange = context.settings().exchange();
    String key = TopicNames.toRoutingKey(filter);
    try {
      AmqpQueue q = declareQueue(qos);
      access.checkWrite(AccessControl.Kind.QUEUE, q.name());
      access.checkRead(AccessControl.Kind.EXCHANGE, exchange);
      vhost.bind(exchange, q, key, Map.of());
      // a filter lives at one QoS: subscribing again at the other moves it
      vhost.unbind(exchange, vhost.queue(queueName(clientId, 1 - qos)), key, Map.of());
      consume(q, qos);
      return qos;
    } catch (AmqpException e) {
      LOG.warn("MQTT client '{}' cannot subscribe to '{}': {}", clientId, filter, e.getMessage());
      return SUBSCRIPTION_FAILED;
    }
  }

  void unsubscribe(String filter) {
    String key = TopicNames.toRoutingKey(filter);
    for (int qos = 0; qos <= 1; qos++) {
      AmqpQueue q = vhost.queue(queueName(clientId, qos));
      if (q != null) {
        vhost.unbind(context.settings().exchange(), q, key, Map.of());
      }
    }
  }

  /** Sends the retained messages {@code filter} matches, at most at {@code grantedQos}. */
  void sendRetained(String filter, int grantedQos) {
    for (RetainedMessages.Retained r : context.retained().matching(vhost.name(), filter)) {
      int qos = Math.min(grantedQos, r.qos());
      int id = 0;
      if (qos > 0) {
        id = nextPacketId();
        inFlight.put(id, new InFlight(null, null));
      }
      out.publish(r.topic(), qos, true, false, id, r.payload());
    }
  }

  /** The client's PUBACK for a QoS 1 delivery. */
  void onPubAck(int packetId) {
    InFlight f = inFlight.remove(packetId);
    if (f != null && f.subscription() != null) {
      f.subscription().ack(f.entry());
    }
  }

  /** The socket drained: deliveries may flow again. */
  void resume() {
    for (QueueSubscription s : subscriptions) {
      if (s != null) {
        s.resume();
      }
    }
  }

  /**
   * Ends the connection's part: unacknowledged QoS 1 deliveries go back to the queue (a
   * persistent session gets them again, marked DUP); a clean session's queues are deleted when
   * {@code dropQueues} (false when another connection has taken the client id over).
   */
  void close(boolean dropQueues) {
    for (int qos = 0; qos <= 1; qos++) {
      if (subscriptions[qos] != null) {
        subscriptions[qos].cancel();
        subscriptions[qos] = null;
      }
    }
    inFlight.clear();
    if (cleanSession && dropQueues) {
      for (int qos = 0; qos <= 1; qos++) {
        deleteQueue(queueName(clientId, qos));
      }
    }
  }

  private AmqpQueue declareQueue(int qos) {
    String name = queueName(clientId, qos);
    AmqpQueue existing = vhost.queue(name);
    if (existing != null) {
      return existing;
    }
    access.checkConfigure(AccessControl.Kind.QUEUE, name);
    Map<String, Object> arguments = new HashMap<>();
    boolean durable = qos == 1;
    boolean autoDelete = qos == 0 || cleanSession;
    if (qos == 1 && !cleanSession && context.settings().subscriptionTtl() != null) {
      arguments.put("x-expires", context.settings().subscriptionTtl().toMillis());
    }
    return vhost.declareQueue(name, false, durable, false, autoDelete, arguments, owner);
  }

  private void consume(AmqpQueue q, int qos) {
    if (subscriptions[qos] != null && subscriptions[qos].isActive() && subscriptions[qos].queue() == q) {
      return;
    }
    access.checkRead(AccessControl.Kind.QUEUE, q.name());
    try {
      subscriptions[qos] = QueueSubscription.start(q, "mqtt-" + clientId + "-qos" + qos, qos == 0,
          context.settings().prefetch(), false, loop, writable, this);
    } catch (AmqpQueue.ExclusiveConsumerConflict e) {
      throw AmqpException.resourceLocked("queue '%s' in vhost '%s' has an exclusive consumer", q.name(),
          vhost.name());
    }
  }

  private void deleteQueue(String name) {
    try {
      access.checkConfigure(AccessControl.Kind.QUEUE, name);
      vhost.deleteQueue(name, false, false, owner);
    } catch (AmqpException e) {
      LOG.warn("MQTT client '{}' cannot delete its queue '{}': {}", clientId, name, e.getMessage());
    }
  }

  @Override
  public void onDelivery(QueueSubscription subscription, QueueEntry entry) {
    Message m = entry.message();
    int subscriptionQos = subscription.noAck() ? 0 : 1;
    int qos = Math.min(subscriptionQos, publishedQos(m, subscriptionQos));
    String topic = TopicNames.toMqttTopic(m.routingKey());
    if (qos == 0) {
      out.publish(topic, 0, false, false, 0, m.body());
      if (!subscription.noAck()) {
        subscription.ack(entry); // a QoS 0 message on the QoS 1 queue: settled once sent
      }
      return;
    }
    int id = nextPacketId();
    inFlight.put(id, new InFlight(subscription, entry));
    out.publish(topic, 1, false, entry.redelivered(), id, m.body());
  }

  @Override
  public void onCancelledByBroker(QueueSubscription subscription) {
    for (int qos = 0; qos <= 1; qos++) {
      if (subscriptions[qos] == subscription) {
        subscriptions[qos] = null;
      }
    }
    inFlight.values().removeIf(f -> f.subscription() == subscription);
  }

  /** The QoS the message was published with (x-mqtt-publish-qos), or the subscription's for AMQP messages. */
  private static int publishedQos(Message m, int otherwise) {
    Map<String, Object> headers = m.properties().headers();
    if (headers != null && headers.get(QOS_HEADER) instanceof Number n) {
      return n.intValue();
    }
    return otherwise;
  }

  private int nextPacketId() {
    do {
      lastPacketId = lastPacketId == 65_535 ? 1 : lastPacketId + 1;
    } while (inFlight.containsKey(lastPacketId));
    return lastPacketId;
  }
}

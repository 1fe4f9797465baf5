package io.warren.management.http;

import io.warren.broker.MessageStats;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Consumer;
import io.warren.broker.vhost.VirtualHost;
import io.warren.management.metrics.RateSampler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON objects of RabbitMQ's management API, field by field as RabbitMQ 3.10 names them
 * (checked against a live node): queues, exchanges, bindings, connections, channels, consumers
 * and their message_stats. Fields Warren has no equivalent for carry RabbitMQ's neutral value
 * (0, null, "running") so tools that read them keep working.
 */
public final class Views {

  private static final Map<String, Object> ZERO_RATE = Map.of("rate", 0.0);
  /** Erlang process statistics RabbitMQ reports per queue, channel and connection; Warren has none. */
  private static final Map<String, Object> NO_GC = Map.of("fullsweep_after", 0, "max_heap_size", 0,
      "min_bin_vheap_size", 0, "min_heap_size", 0, "minor_gcs", 0);

  private final String node;
  private final RateSampler rates;

  public Views(String node, RateSampler rates) {
    this.node = node;
    this.rates = rates;
  }

  public String node() {
    return node;
  }

  // ---- message_stats ----

  /** {"publish": 3, "publish_details": {"rate": 0.2}, ...} for the counters given. */
  public Map<String, Object> messageStats(MessageStats stats, String... names) {
    long[] values = RateSampler.values(stats);
    double[] r = rates.rates(stats);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : names) {
      int i = indexOf(name);
      out.put(name, values[i]);
      out.put(name + "_details", Map.of("rate", r[i]));
    }
    return out;
  }

  static final String[] QUEUE_STATS = {"ack", "deliver", "deliver_get", "deliver_no_ack", "get", "get_empty",
      "get_no_ack", "publish", "redeliver"};
  static final String[] EXCHANGE_STATS = {"publish_in", "publish_out"};
  static final String[] CHANNEL_STATS = {"ack", "confirm", "deliver", "deliver_get", "deliver_no_ack",
      "drop_unroutable", "get", "get_empty", "get_no_ack", "publish", "redeliver", "return_unroutable"};

  private static int indexOf(String name) {
    for (int i = 0; i < RateSampler.NAMES.length; i++) {
      if (RateSampler.NAMES[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** Adds several vhosts' counters up, as the overview's message_stats. */
  public Map<String, Object> summedStats(List<MessageStats> all) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : CHANNEL_STATS) {
      int i = indexOf(name);
      long total = 0;
      double rate = 0;
      for (MessageStats s : all) {
        total += RateSampler.values(s)[i];
        rate += rates.rates(s)[i];
      }
      out.put(name, total);
      out.put(name + "_details", Map.of("rate", Math.round(rate * 10) / 10.0));
    }
    return out;
  }

  // ---- queues ----

  public Map<String, Object> queue(AmqpQueue q, Map<Object, AmqpConnection> owners, boolean details,
      List<Map<String, Object>> consumerDetails) {
    int ready = q.messageCount();
    int unacked = q.unackedCount();
    long readyBytes = q.readyBytes();
    int consumers = q.consumerCount();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arguments", Json.fromAmqpTable(q.arguments()));
    m.put("auto_delete", q.autoDelete());
    m.put("backing_queue_status", Map.of("mode", "default", "len", ready, "version", 1));
    m.put("consumer_capacity", consumers > 0 ? 1.0 : 0);
    m.put("consumer_utilisation", consumers > 0 ? 1.0 : null);
    m.put("consumers", consumers);
    m.put("durable", q.durable());
    m.put("effective_policy_definition", Map.of());
    m.put("exclusive", q.exclusive());
    m.put("exclusive_consumer_tag", exclusiveConsumerTag(q));
    m.put("garbage_collection", NO_GC);
    m.put("head_message_timestamp", null);
    m.put("memory", 1024 + readyBytes);
    m.put("message_bytes", readyBytes);
    m.put("message_bytes_paged_out", 0);
    m.put("message_bytes_persistent", 0);
    m.put("message_bytes_ram", readyBytes);
    m.put("message_bytes_ready", readyBytes);
    m.put("message_bytes_unacknowledged", 0);
    m.put("message_stats", messageStats(q.stats(), QUEUE_STATS));
    m.put("messages", ready + unacked);
    m.put("messages_details", ZERO_RATE);
    m.put("messages_paged_out", 0);
    m.put("messages_persistent", 0);
    m.put("messages_ram", ready + unacked);
    m.put("messages_ready", ready);
    m.put("messages_ready_details", ZERO_RATE);
    m.put("messages_ready_ram", ready);
    m.put("messages_unacknowledged", unacked);
    m.put("messages_unacknowledged_details", ZERO_RATE);
    m.put("messages_unacknowledged_ram", unacked);
    m.put("name", q.name());
    m.put("node", node);
    m.put("operator_policy", null);
    if (q.exclusive() && owners.get(q.exclusiveOwner()) instanceof AmqpConnection owner) {
      m.put("owner_pid_details", connectionDetails(owner));
    }
    m.put("policy", null);
    m.put("recoverable_slaves", null);
    m.put("reductions", 0);
    m.put("reductions_details", ZERO_RATE);
    Consumer active = q.singleActiveConsumer();
    m.put("single_active_consumer_tag", active == null ? null : active.tag());
    m.put("state", "running");
    m.put("type", "classic");
    m.put("vhost", q.vhost());
    if (details) {
      m.put("consumer_details", consumerDetails);
      m.put("deliveries", List.of());
      m.put("incoming", List.of());
    }
    return m;
  }

  private static String exclusiveConsumerTag(AmqpQueue q) {
    List<Consumer> consumers = q.consumers();
    return consumers.size() == 1 && consumers.get(0).exclusive() ? consumers.get(0).tag() : null;
  }

  // ---- exchanges ----

  public Map<String, Object> exchange(Exchange x, boolean details) {
    Map<String, Object> m = exchange(x.name(), x.vhost(), x.type().amqpName(), x.durable(), x.autoDelete(),
        x.internal(), Json.fromAmqpTable(x.arguments()), x.name().startsWith("amq.") ? "rmq-internal" : "guest");
    putExchangeStats(m, x.stats());
    if (details) {
      m.put("incoming", List.of());
      m.put("outgoing", List.of());
    }
    return m;
  }

  /** RabbitMQ shows an exchange's message_stats once messages have gone through it. */
  private void putExchangeStats(Map<String, Object> m, MessageStats stats) {
    if (stats.get(MessageStats.Counter.PUBLISH_IN) > 0) {
      m.put("message_stats", messageStats(stats, EXCHANGE_STATS));
    }
  }

  /** The default exchange, which RabbitMQ lists (with name "") although no client can declare it. */
  public Map<String, Object> defaultExchange(VirtualHost vhost, boolean details) {
    Map<String, Object> m = exchange("", vhost.name(), "direct", true, false, false, new LinkedHashMap<>(),
        "rmq-internal");
    putExchangeStats(m, vhost.defaultExchangeStats());
    if (details) {
      m.put("incoming", List.of());
      m.put("outgoing", List.of());
    }
    return m;
  }

  private static Map<String, Object> exchange(String name, String vhost, String type, boolean durable,
      boolean autoDelete, boolean internal, Map<String, Object> arguments, String performedBy) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arguments", arguments);
    m.put("auto_delete", autoDelete);
    m.put("durable", durable);
    m.put("internal", internal);
    m.put("name", name);
    m.put("type", type);
    m.put("user_who_performed_action", performedBy);
    m.put("vhost", vhost);
    return m;
  }

  // ---- bindings ----

  public static Map<String, Object> binding(Binding b) {
    String destinationType = b.destination() instanceof AmqpQueue ? "queue" : "exchange";
    return binding(b.source().name(), b.source().vhost(), b.destination().name(), destinationType, b.bindingKey(),
        Json.fromAmqpTable(b.arguments()));
  }

  /** The binding RabbitMQ shows from the default exchange to every queue, keyed by the queue's name. */
  public static Map<String, Object> defaultBinding(AmqpQueue q) {
    return binding("", q.vhost(), q.name(), "queue", q.name(), new LinkedHashMap<>());
  }

  private static Map<String, Object> binding(String source, String vhost, String destination, String type,
      String key, Map<String, Object> arguments) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", source);
    m.put("vhost", vhost);
    m.put("destination", destination);
    m.put("destination_type", type);
    m.put("routing_key", key);
    m.put("arguments", arguments);
    m.put("properties_key", propertiesKey(key, arguments));
    return m;
  }

  /**
   * What identifies a binding in a URL: the URL-quoted routing key, then "~" and a short hash
   * of the arguments when there are any (RabbitMQ's shape; the hash is Warren's own, so keys
   * are only meant to be read back from a listing, as RabbitMQ's are).
   */
  public static String propertiesKey(String routingKey, Map<String, Object> jsonArguments) {
    String key = quote(routingKey);
    if (jsonArguments == null || jsonArguments.isEmpty()) {
      return key;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.write(new java.util.TreeMap<>(jsonArguments)));
      return key + "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("~", "%7E");
  }

  // ---- connections, channels, consumers ----

  public Map<String, Object> connection(AmqpConnection c, int channelCount) {
    InetSocketAddress peer = inet(c.remoteAddress());
    InetSocketAddress local = inet(c.localAddress());
    Map<String, Object> props = Json.fromAmqpTable(c.clientProperties());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("auth_mechanism", c.authMechanism());
    m.put("channel_max", c.channelMax());
    m.put("channels", channelCount);
    m.put("client_properties", props);
    m.put("connected_at", c.connectedAt());
    m.put("frame_max", c.negotiatedFrameMax());
    m.put("garbage_collection", NO_GC);
    m.put("host", local == null ? null : local.getAddress().getHostAddress());
    m.put("name", c.name());
    m.put("node", node);
    m.put("peer_cert_issuer", null);
    m.put("peer_cert_subject", null);
    m.put("peer_cert_validity", null);
    m.put("peer_host", peer == null ? null : peer.getAddress().getHostAddress());
    m.put("peer_port", peer == null ? null : peer.getPort());
    m.put("port", local == null ? null : local.getPort());
    m.put("protocol", "AMQP 0-9-1");
    m.put("recv_cnt", c.receiveCount());
    m.put("recv_oct", c.bytesReceived());
    m.put("recv_oct_details", ZERO_RATE);
    m.put("reductions", 0);
    m.put("reductions_details", ZERO_RATE);
    m.put("send_cnt", c.sendCount());
    m.put("send_oct", c.bytesSent());
    m.put("send_oct_details", ZERO_RATE);
    m.put("send_pend", 0);
    m.put("ssl", false);
    m.put("ssl_cipher", null);
    m.put("ssl_hash", null);
    m.put("ssl_key_exchange", null);
    m.put("ssl_protocol", null);
    m.put("state", c.isRunning() ? "running" : "starting");
    m.put("timeout", c.heartbeat());
    m.put("type", "network");
    m.put("user", c.user() == null ? null : c.user().name());
    if (props.get("connection_name") instanceof String userName) {
      m.put("user_provided_name", userName);
    }
    m.put("user_who_performed_action", c.user() == null ? null : c.user().name());
    m.put("vhost", c.vhost() == null ? null : c.vhost().name());
    return m;
  }

  /** {name, peer_host, peer_port}: how channels and exclusive queues point at their connection. */
  public static Map<String, Object> connectionDetails(AmqpConnection c) {
    InetSocketAddress peer = inet(c.remoteAddress());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("peer_host", peer == null ? null : peer.getAddress().getHostAddress());
    m.put("peer_port", peer == null ? null : peer.getPort());
    return m;
  }

  public static String channelName(AmqpConnection c, AmqpChannel ch) {
    return c.name() + " (" + ch.number() + ")";
  }

  /** Must run on the connection's event loop (see {@link AmqpConnection#readChannels}). */
  public Map<String, Object> channel(AmqpConnection c, AmqpChannel ch, boolean details) {
    List<Consumer> consumers = ch.consumers();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("acks_uncommitted", 0);
    m.put("confirm", ch.inConfirmMode());
    m.put("connection_details", connectionDetails(c));
    m.put("consumer_count", consumers.size());
    m.put("garbage_collection", NO_GC);
    m.put("global_prefetch_count", ch.globalPrefetchCount());
    m.put("message_stats", messageStats(ch.stats(), CHANNEL_STATS));
    m.put("messages_unacknowledged", ch.unackedCount());
    m.put("messages_uncommitted", 0);
    m.put("messages_unconfirmed", 0);
    m.put("name", channelName(c, ch));
    m.put("node", node);
    m.put("number", ch.number());
    m.put("pending_raft_commands", 0);
    m.put("prefetch_count", ch.prefetchCount());
    m.put("reductions", 0);
    m.put("reductions_details", ZERO_RATE);
    m.put("state", "running");
    m.put("transactional", ch.isTransactional());
    m.put("user", c.user() == null ? null : c.user().name());
    m.put("user_who_performed_action", c.user() == null ? null : c.user().name());
    m.put("vhost", c.vhost() == null ? null : c.vhost().name());
    if (details) {
      List<Map<String, Object>> consumerDetails = new ArrayList<>();
      for (Consumer consumer : consumers) {
        consumerDetails.add(consumer(c, ch, consumer));
      }
      m.put("consumer_details", consumerDetails);
      m.put("deliveries", List.of());
      m.put("publishes", List.of());
    }
    return m;
  }

  public Map<String, Object> consumer(AmqpConnection c, AmqpChannel ch, Consumer consumer) {
    InetSocketAddress peer = inet(c.remoteAddress());
    Map<String, Object> channel = new LinkedHashMap<>();
    channel.put("connection_name", c.name());
    channel.put("name", channelName(c, ch));
    channel.put("node", node);
    channel.put("number", ch.number());
    channel.put("peer_host", peer == null ? null : peer.getAddress().getHostAddress());
    channel.put("peer_port", peer == null ? null : peer.getPort());
    channel.put("user", c.user() == null ? null : c.user().name());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arguments", Json.fromAmqpTable(consumer.arguments()));
    m.put("ack_required", !consumer.noAck());
    // RabbitMQ's words: a single-active-consumer queue's consumers are single_active or waiting
    boolean waiting = consumer.queue().isSingleActiveConsumer() && consumer.queue().singleActiveConsumer() != consumer;
    m.put("active", !waiting);
    m.put("activity_status", !consumer.queue().isSingleActiveConsumer() ? "up" : waiting ? "waiting" : "single_active");
    m.put("channel_details", channel);
    m.put("consumer_tag", consumer.tag());
    m.put("exclusive", consumer.exclusive());
    m.put("prefetch_count", consumer.prefetch());
    m.put("queue", Map.of("name", consumer.queue().name(), "vhost", consumer.queue().vhost()));
    return m;
  }

  private static InetSocketAddress inet(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i : null;
  }
}

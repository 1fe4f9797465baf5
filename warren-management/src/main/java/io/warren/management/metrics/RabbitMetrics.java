package io.warren.management.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.warren.broker.Broker;
import io.warren.broker.MessageStats;
import io.warren.broker.MessageStats.Counter;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The broker's state as rabbitmq_prometheus exposes it, with RabbitMQ's metric names and help
 * texts, so dashboards built for RabbitMQ (its Grafana ones included) read Warren unchanged.
 * {@code /metrics} aggregates per-object metrics into one unlabelled sample per family, as
 * RabbitMQ does by default; {@code /metrics/per-object} labels them by vhost and queue (or
 * channel). Everything is computed at scrape time from the broker's counters.
 */
public final class RabbitMetrics {

  private static final Labels AMQP091 = Labels.of("protocol", "amqp091");
  private static final Labels CLASSIC = Labels.of("protocol", "amqp091", "queue_type", "rabbit_classic_queue");

  private final Broker broker;
  private final String node;
  private final String version;

  public RabbitMetrics(Broker broker, String node, String rabbitmqVersion) {
    this.broker = broker;
    this.node = node;
    this.version = rabbitmqVersion;
  }

  private record QueueSample(AmqpQueue queue, long ready, long unacked, long consumers, long readyBytes) {
  }

  private record ChannelSample(String name, String vhost, MessageStats stats, long consumers, long unacked,
      long prefetch, long globalPrefetch) {
  }

  public MetricSnapshots collect(boolean perObject) {
    List<QueueSample> queues = new ArrayList<>();
    List<MessageStats> vhostStats = new ArrayList<>();
    for (VirtualHost v : broker.vhosts().all()) {
      vhostStats.add(v.stats());
      for (AmqpQueue q : v.queues()) {
        queues.add(new QueueSample(q, q.messageCount(), q.unackedCount(), q.consumerCount(), q.readyBytes()));
      }
    }
    List<ChannelSample> channels = new ArrayList<>();
    int connections = 0;
    for (AmqpConnection c : broker.connections()) {
      if (c.vhost() == null) {
        continue;
      }
      connections++;
      List<ChannelSample> ofConnection = c.readChannels(all -> {
        List<ChannelSample> out = new ArrayList<>();
        for (AmqpChannel ch : all) {
          out.add(new ChannelSample(c.name() + " (" + ch.number() + ")", c.vhost().name(), ch.stats(),
              ch.consumers().size(), ch.unackedCount(), ch.prefetchCount(), ch.globalPrefetchCount()));
        }
        return out;
      });
      if (ofConnection != null) {
        channels.addAll(ofConnection);
      }
    }
    long consumers = queues.stream().mapToLong(QueueSample::consumers).sum();

    List<MetricSnapshot> out = new ArrayList<>();
    out.add(info("rabbitmq_build", "RabbitMQ & Erlang/OTP version info", Labels.of(
        "rabbitmq_version", version, "prometheus_plugin_version", version, "prometheus_client_version", "1.3.3",
        "erlang_version", "Java " + Runtime.version().feature())));
    out.add(info("rabbitmq_identity", "RabbitMQ node & cluster identity info", Labels.of(
        "rabbitmq_node", node, "rabbitmq_cluster", node)));
    out.add(gauge("rabbitmq_connections", "Connections currently open", connections, Labels.EMPTY));
    out.add(gauge("rabbitmq_channels", "Channels currently open", channels.size(), Labels.EMPTY));
    out.add(gauge("rabbitmq_consumers", "Consumers currently connected", consumers, Labels.EMPTY));
    out.add(gauge("rabbitmq_queues", "Queues available", queues.size(), Labels.EMPTY));

    out.add(queueGauge("rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers", queues,
        perObject, QueueSample::ready));
    out.add(queueGauge("rabbitmq_queue_messages_unacked", "Messages delivered to consumers but not yet acknowledged",
        queues, perObject, QueueSample::unacked));
    out.add(queueGauge("rabbitmq_queue_messages", "Sum of ready and unacknowledged messages - total queue depth",
        queues, perObject, s -> s.ready + s.unacked));
    out.add(queueGauge("rabbitmq_queue_consumers", "Consumers on a queue", queues, perObject,
        QueueSample::consumers));
    out.add(queueGauge("rabbitmq_queue_messages_ready_bytes", "Size in bytes of ready messages", queues, perObject,
        QueueSample::readyBytes));
    out.add(queueCounter("rabbitmq_queue_messages_published", "Total number of messages published to queues",
        queues, perObject, s -> s.queue.stats().get(Counter.PUBLISH)));

    out.add(channelGauge("rabbitmq_channel_consumers", "Consumers on a channel", channels, perObject,
        ChannelSample::consumers));
    out.add(channelGauge("rabbitmq_channel_messages_unacked", "Delivered but not yet acknowledged messages",
        channels, perObject, ChannelSample::unacked));
    out.add(channelGauge("rabbitmq_consumer_prefetch", "Limit of unacknowledged messages for each consumer",
        channels, perObject, ChannelSample::prefetch));
    out.add(channelGauge("rabbitmq_channel_prefetch",
        "Total limit of unacknowledged messages for all consumers on a channel", channels, perObject,
        ChannelSample::globalPrefetch));
    out.add(channelCounter("rabbitmq_channel_messages_published",
        "Total number of messages published into an exchange on a channel", channels, perObject,
        s -> s.stats.get(Counter.PUBLISH)));
    out.add(channelCounter("rabbitmq_channel_messages_confirmed",
        "Total number of messages published into an exchange and confirmed on the channel", channels, perObject,
        s -> s.stats.get(Counter.CONFIRM)));
    out.add(channelCounter("rabbitmq_channel_messages_unroutable_returned", "Total number of messages published as "
        + "mandatory into an exchange and returned to the publisher as unroutable", channels, perObject,
        s -> s.stats.get(Counter.RETURN_UNROUTABLE)));
    out.add(channelCounter("rabbitmq_channel_messages_unroutable_dropped", "Total number of messages published as "
        + "non-mandatory into an exchange and dropped as unroutable", channels, perObject,
        s -> s.stats.get(Counter.DROP_UNROUTABLE)));
    out.add(channelCounter("rabbitmq_channel_get_ack",
        "Total number of messages fetched with basic.get in manual acknowledgement mode", channels, perObject,
        s -> s.stats.get(Counter.GET)));
    out.add(channelCounter("rabbitmq_channel_get",
        "Total number of messages fetched with basic.get in automatic acknowledgement mode", channels, perObject,
        s -> s.stats.get(Counter.GET_NO_ACK)));
    out.add(channelCounter("rabbitmq_channel_messages_delivered_ack",
        "Total number of messages delivered to consumers in manual acknowledgement mode", channels, perObject,
        s -> s.stats.get(Counter.DELIVER)));
    out.add(channelCounter("rabbitmq_channel_messages_delivered",
        "Total number of messages delivered to consumers in automatic acknowledgement mode", channels, perObject,
        s -> s.stats.get(Counter.DELIVER_NO_ACK)));
    out.add(channelCounter("rabbitmq_channel_messages_redelivered", "Total number of messages redelivered to consumers",
        channels, perObject, s -> s.stats.get(Counter.REDELIVER)));
    out.add(channelCounter("rabbitmq_channel_messages_acked", "Total number of messages acknowledged by consumers",
        channels, perObject, s -> s.stats.get(Counter.ACK)));
    out.add(channelCounter("rabbitmq_channel_get_empty",
        "Total number of times basic.get operations fetched no message", channels, perObject,
        s -> s.stats.get(Counter.GET_EMPTY)));

    // The global counters outlive channels: they are summed from the vhosts' counters.
    long publish = sum(vhostStats, s -> s.get(Counter.PUBLISH));
    long returned = sum(vhostStats, s -> s.get(Counter.RETURN_UNROUTABLE));
    long dropped = sum(vhostStats, s -> s.get(Counter.DROP_UNROUTABLE));
    out.add(counter("rabbitmq_global_messages_received", "Total number of messages received from publishers",
        publish, AMQP091));
    out.add(counter("rabbitmq_global_messages_routed", "Total number of messages routed to queues or streams",
        publish - returned - dropped, AMQP091));
    out.add(counter("rabbitmq_global_messages_unroutable_dropped", "Total number of messages published as "
        + "non-mandatory into an exchange and dropped as unroutable", dropped, AMQP091));
    out.add(counter("rabbitmq_global_messages_unroutable_returned", "Total number of messages published as mandatory "
        + "into an exchange and returned to the publisher as unroutable", returned, AMQP091));
    out.add(counter("rabbitmq_global_messages_confirmed", "Total number of messages confirmed to publishers",
        sum(vhostStats, s -> s.get(Counter.CONFIRM)), AMQP091));
    out.add(gauge("rabbitmq_global_consumers", "Current number of consumers", consumers, AMQP091));
    out.add(counter("rabbitmq_global_messages_delivered", "Total number of messages delivered to consumers",
        sum(vhostStats, MessageStats::deliverGet), CLASSIC));
    out.add(counter("rabbitmq_global_messages_delivered_consume_manual_ack", "Total number of messages delivered to "
        + "consumers using basic.consume with manual acknowledgment", sum(vhostStats, s -> s.get(Counter.DELIVER)), CLASSIC));
    out.add(counter("rabbitmq_global_messages_delivered_consume_auto_ack", "Total number of messages delivered to "
        + "consumers using basic.consume with automatic acknowledgment", sum(vhostStats, s -> s.get(Counter.DELIVER_NO_ACK)),
        CLASSIC));
    out.add(counter("rabbitmq_global_messages_delivered_get_manual_ack", "Total number of messages delivered to "
        + "consumers using basic.get with manual acknowledgment", sum(vhostStats, s -> s.get(Counter.GET)), CLASSIC));
    out.add(counter("rabbitmq_global_messages_delivered_get_auto_ack", "Total number of messages delivered to "
        + "consumers using basic.get with automatic acknowledgment", sum(vhostStats, s -> s.get(Counter.GET_NO_ACK)), CLASSIC));
    out.add(counter("rabbitmq_global_messages_get_empty", "Total number of times basic.get operations fetched no "
        + "message", sum(vhostStats, s -> s.get(Counter.GET_EMPTY)), CLASSIC));
    out.add(counter("rabbitmq_global_messages_redelivered", "Total number of messages redelivered to consumers",
        sum(vhostStats, s -> s.get(Counter.REDELIVER)), CLASSIC));
    out.add(counter("rabbitmq_global_messages_acknowledged", "Total number of messages acknowledged by consumers",
        sum(vhostStats, s -> s.get(Counter.ACK)), CLASSIC));
    return new MetricSnapshots(out);
  }

  private static long sum(List<MessageStats> all, ToLongFunction<MessageStats> f) {
    long total = 0;
    for (MessageStats s : all) {
      total += f.applyAsLong(s);
    }
    return total;
  }

  private static GaugeSnapshot gauge(String name, String help, double value, Labels labels) {
    return GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(labels).build()).build();
  }

  /** An info metric: the client writes it as {@code name_info{labels} 1}, a gauge, as RabbitMQ does. */
  private static InfoSnapshot info(String name, String help, Labels labels) {
    return InfoSnapshot.builder().name(name).help(help)
        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build()).build();
  }

  /** RabbitMQ names counters with "_total"; the client adds that suffix when it writes them. */
  private static CounterSnapshot counter(String name, String help, double value, Labels labels) {
    return CounterSnapshot.builder().name(name).help(help)
        .dataPoint(CounterDataPointSnapshot.builder().value(value).labels(labels).build()).build();
  }

  private static GaugeSnapshot queueGauge(String name, String help, List<QueueSample> queues, boolean perObject,
      ToLongFunction<QueueSample> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    if (perObject) {
      for (QueueSample s : queues) {
        b.dataPoint(GaugeDataPointSnapshot.builder().value(value.applyAsLong(s))
            .labels(Labels.of("vhost", s.queue.vhost(), "queue", s.queue.name())).build());
      }
    } else {
      b.dataPoint(GaugeDataPointSnapshot.builder().value(queues.stream().mapToLong(value).sum()).build());
    }
    return b.build();
  }

  private static CounterSnapshot queueCounter(String name, String help, List<QueueSample> queues, boolean perObject,
      ToLongFunction<QueueSample> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    if (perObject) {
      for (QueueSample s : queues) {
        b.dataPoint(CounterDataPointSnapshot.builder().value(value.applyAsLong(s))
            .labels(Labels.of("vhost", s.queue.vhost(), "queue", s.queue.name())).build());
      }
    } else {
      b.dataPoint(CounterDataPointSnapshot.builder().value(queues.stream().mapToLong(value).sum()).build());
    }
    return b.build();
  }

  private static GaugeSnapshot channelGauge(String name, String help, List<ChannelSample> channels,
      boolean perObject, ToLongFunction<ChannelSample> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    if (perObject) {
      for (ChannelSample s : channels) {
        b.dataPoint(GaugeDataPointSnapshot.builder().value(value.applyAsLong(s))
            .labels(Labels.of("channel", s.name)).build());
      }
    } else {
      b.dataPoint(GaugeDataPointSnapshot.builder().value(channels.stream().mapToLong(value).sum()).build());
    }
    return b.build();
  }

  private static CounterSnapshot channelCounter(String name, String help, List<ChannelSample> channels,
      boolean perObject, ToLongFunction<ChannelSample> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    if (perObject) {
      for (ChannelSample s : channels) {
        b.dataPoint(CounterDataPointSnapshot.builder().value(value.applyAsLong(s))
            .labels(Labels.of("channel", s.name)).build());
      }
    } else {
      b.dataPoint(CounterDataPointSnapshot.builder().value(channels.stream().mapToLong(value).sum()).build());
    }
    return b.build();
  }
}

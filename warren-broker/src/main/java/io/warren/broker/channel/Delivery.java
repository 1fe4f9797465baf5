package io.warren.broker.channel;

import io.warren.broker.queue.Consumer;
import io.warren.broker.queue.QueueEntry;

/**
 * A message on its way to, or held by, a client on one channel: created when a queue assigns
 * the message to a consumer (or basic.get takes it), tagged when it is written to the socket,
 * and kept among the channel's unacked deliveries until it is settled.
 */
final class Delivery {

  final Consumer consumer;
  final QueueEntry entry;
  long tag;

  Delivery(Consumer consumer, QueueEntry entry) {
    this.consumer = consumer;
    this.entry = entry;
  }

  /** True for deliveries that count against prefetch: consumer deliveries, not basic.get. */
  boolean hasConsumer() {
    return consumer != null;
  }
}

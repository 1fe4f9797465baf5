package io.warren.broker.queue;

/**
 * The AMQP channel a {@link Consumer} belongs to, as queues see it. Queues run on whichever
 * thread published or acked; the channel lives on its connection's event loop, so every method
 * here may be called from any thread and must hand work over to the channel's own thread.
 */
public interface ConsumerOwner {

  /** Hands a message the queue has assigned to {@code consumer} over for delivery. */
  void deliver(Consumer consumer, QueueEntry entry);

  /** The queue was deleted under a live consumer: tell the client (basic.cancel) and forget it. */
  void cancelByBroker(Consumer consumer);

  /** Whether the channel can take one more delivery for a consumer that acknowledges. */
  boolean hasChannelCredit();

  /** Counts one more unacknowledged delivery against the channel's shared (global) prefetch. */
  void takeChannelCredit();

  /** Whether deliveries may flow at all (channel.flow, and the socket is writable). */
  boolean acceptsDeliveries();
}

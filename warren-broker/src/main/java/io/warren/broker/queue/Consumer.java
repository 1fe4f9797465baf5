package io.warren.broker.queue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A basic.consume subscription: one channel consuming one queue.
 *
 * <p>Credit: a consumer that acknowledges may hold at most {@code prefetch} unacknowledged
 * deliveries (0 = no limit; RabbitMQ's per-consumer basic.qos), and its channel may impose a
 * shared limit on top (basic.qos with global=true). The queue takes credit under its lock when
 * it assigns a message; the channel gives it back when the message is acked, rejected or
 * requeued, possibly from another thread, hence the atomic counter.
 */
public final class Consumer {

  private final String tag;
  private final AmqpQueue queue;
  private final ConsumerOwner owner;
  private final boolean noAck;
  private final boolean exclusive;
  private final int prefetch;
  private final java.util.Map<String, Object> arguments;
  /** x-priority: while a higher-priority consumer has credit, lower ones get nothing. */
  private final int priority;
  private final AtomicInteger unacked = new AtomicInteger();

  public Consumer(String tag, AmqpQueue queue, ConsumerOwner owner, boolean noAck, boolean exclusive,
      int prefetch, java.util.Map<String, Object> arguments) {
    this.tag = tag;
    this.queue = queue;
    this.owner = owner;
    this.noAck = noAck;
    this.exclusive = exclusive;
    this.prefetch = prefetch;
    this.arguments = arguments;
    this.priority = arguments.get("x-priority") instanceof Number p ? p.intValue() : 0;
  }

  public String tag() {
    return tag;
  }

  public AmqpQueue queue() {
    return queue;
  }

  public ConsumerOwner owner() {
    return owner;
  }

  public boolean noAck() {
    return noAck;
  }

  public boolean exclusive() {
    return exclusive;
  }

  public int priority() {
    return priority;
  }

  public int prefetch() {
    return prefetch;
  }

  public java.util.Map<String, Object> arguments() {
    return arguments;
  }

  public int unackedCount() {
    return unacked.get();
  }

  boolean hasCredit() {
    if (!owner.acceptsDeliveries()) {
      return false;
    }
    if (noAck) {
      // A no-ack delivery takes no credit, but RabbitMQ holds it back while the channel's
      // global prefetch is used up by this channel's acknowledging consumers.
      return owner.hasChannelCredit();
    }
    return (prefetch == 0 || unacked.get() < prefetch) && owner.hasChannelCredit();
  }

  void takeCredit() {
    if (!noAck) {
      unacked.incrementAndGet();
      owner.takeChannelCredit();
    }
  }

  /** A delivery to this consumer was settled (acked, rejected or requeued). */
  public void returnCredit() {
    unacked.decrementAndGet();
  }
}

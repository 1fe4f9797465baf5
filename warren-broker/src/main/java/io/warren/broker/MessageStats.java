package io.warren.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * Message counters of a queue, a channel or a vhost, named as RabbitMQ's management API names
 * them (publish, deliver, ack ...). Written on the hot path, so they are {@link LongAdder}s:
 * no lock, no allocation; read only by the management API and the Prometheus exporter.
 *
 * <p>A channel's counters roll up into its vhost's ({@code parent}), which outlive the channel.
 */
public final class MessageStats {

  public final LongAdder publish = new LongAdder();
  public final LongAdder confirm = new LongAdder();
  public final LongAdder returnUnroutable = new LongAdder();
  public final LongAdder dropUnroutable = new LongAdder();
  public final LongAdder deliver = new LongAdder();
  public final LongAdder deliverNoAck = new LongAdder();
  public final LongAdder get = new LongAdder();
  public final LongAdder getNoAck = new LongAdder();
  public final LongAdder getEmpty = new LongAdder();
  public final LongAdder ack = new LongAdder();
  public final LongAdder redeliver = new LongAdder();

  private final MessageStats parent;

  public MessageStats() {
    this(null);
  }

  public MessageStats(MessageStats parent) {
    this.parent = parent;
  }

  public void onPublish() {
    publish.increment();
    if (parent != null) {
      parent.onPublish();
    }
  }

  public void onConfirm(long count) {
    confirm.add(count);
    if (parent != null) {
      parent.onConfirm(count);
    }
  }

  /** An unroutable message: returned if it was mandatory, dropped otherwise. */
  public void onUnroutable(boolean returned) {
    (returned ? returnUnroutable : dropUnroutable).increment();
    if (parent != null) {
      parent.onUnroutable(returned);
    }
  }

  /** A delivery to a consumer (basic.deliver). */
  public void onDeliver(boolean noAck, boolean redelivered) {
    (noAck ? deliverNoAck : deliver).increment();
    if (redelivered) {
      redeliver.increment();
    }
    if (parent != null) {
      parent.onDeliver(noAck, redelivered);
    }
  }

  /** basic.get that returned a message. */
  public void onGet(boolean noAck, boolean redelivered) {
    (noAck ? getNoAck : get).increment();
    if (redelivered) {
      redeliver.increment();
    }
    if (parent != null) {
      parent.onGet(noAck, redelivered);
    }
  }

  public void onGetEmpty() {
    getEmpty.increment();
    if (parent != null) {
      parent.onGetEmpty();
    }
  }

  public void onAck(int count) {
    ack.add(count);
    if (parent != null) {
      parent.onAck(count);
    }
  }

  /** deliver + deliver_no_ack + get + get_no_ack: RabbitMQ's deliver_get. */
  public long deliverGet() {
    return deliver.sum() + deliverNoAck.sum() + get.sum() + getNoAck.sum();
  }
}

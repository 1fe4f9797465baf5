package io.warren.broker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Message counters of a queue, a channel or a vhost, named as RabbitMQ's management API names
 * them (publish, deliver, ack ...); read only by the management API and the Prometheus exporter.
 *
 * <p>The hot path pays a plain add per event: each channel's and each queue's counters have one
 * writer at a time (the channel's event loop; whoever holds the queue's lock), so an increment
 * needs no atomic instruction; opaque access keeps readers on other threads from seeing torn or
 * forever-stale values. Atomic adders cost a locked instruction per counter, and with a vhost
 * total bumped alongside each channel's, that was ~15% of the broker's own work per message.
 *
 * <p>A vhost's counters are therefore not bumped per message: they are the sum of its live
 * channels' counters ({@link #adopt}) and of those already closed ({@link #retire}), added up when
 * read. Vhost counters can also be written directly (the management API publishes through the
 * vhost); such shared instances serialise their writers.
 */
public final class MessageStats {

  /**
   * The counters, in the order of {@code RateSampler.NAMES} minus deliver_get. An exchange's
   * counters are PUBLISH_IN (messages published to it) and PUBLISH_OUT (copies it routed on).
   */
  public enum Counter {
    PUBLISH, CONFIRM, RETURN_UNROUTABLE, DROP_UNROUTABLE, DELIVER, DELIVER_NO_ACK, GET, GET_NO_ACK, GET_EMPTY,
    ACK, REDELIVER, PUBLISH_IN, PUBLISH_OUT
  }

  private static final Counter[] COUNTERS = Counter.values();
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] counts = new long[COUNTERS.length];
  /** True for a vhost's counters: written from several threads, and the sum of its channels'. */
  private final boolean shared;
  /** Live children (a vhost's open channels); guarded by this. */
  private final List<MessageStats> children;

  private MessageStats(boolean shared) {
    this.shared = shared;
    this.children = shared ? new ArrayList<>() : null;
  }

  /** Counters with one writer at a time: a channel's, or a queue's (written under its lock). */
  public static MessageStats owned() {
    return new MessageStats(false);
  }

  /** A vhost's counters: several writers, and the totals of the channels it adopts. */
  public static MessageStats shared() {
    return new MessageStats(true);
  }

  /** Counts {@code child}'s events in this (shared) instance's totals from now on. */
  public synchronized void adopt(MessageStats child) {
    children.add(child);
  }

  /** {@code child} stops counting (its channel closed): its final counts stay in the totals. */
  public synchronized void retire(MessageStats child) {
    if (children.remove(child)) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += child.own(i);
      }
    }
  }

  private void add(Counter counter, long n) {
    int i = counter.ordinal();
    if (shared) {
      synchronized (this) {
        counts[i] += n;
      }
    } else {
      COUNT.setOpaque(counts, i, counts[i] + n);
    }
  }

  private long own(int i) {
    return (long) COUNT.getOpaque(counts, i);
  }

  /** The counter's value: for a vhost, including its live and closed channels. */
  public long get(Counter counter) {
    int i = counter.ordinal();
    if (!shared) {
      return own(i);
    }
    synchronized (this) {
      long total = counts[i];
      for (MessageStats child : children) {
        total += child.own(i);
      }
      return total;
    }
  }

  public void onPublish() {
    add(Counter.PUBLISH, 1);
  }

  public void onConfirm(long count) {
    add(Counter.CONFIRM, count);
  }

  /** An unroutable message: returned if it was mandatory, dropped otherwise. */
  public void onUnroutable(boolean returned) {
    add(returned ? Counter.RETURN_UNROUTABLE : Counter.DROP_UNROUTABLE, 1);
  }

  /** A delivery to a consumer (basic.deliver). */
  public void onDeliver(boolean noAck, boolean redelivered) {
    add(noAck ? Counter.DELIVER_NO_ACK : Counter.DELIVER, 1);
    if (redelivered) {
      add(Counter.REDELIVER, 1);
    }
  }

  /** basic.get that returned a message. */
  public void onGet(boolean noAck, boolean redelivered) {
    add(noAck ? Counter.GET_NO_ACK : Counter.GET, 1);
    if (redelivered) {
      add(Counter.REDELIVER, 1);
    }
  }

  public void onGetEmpty() {
    add(Counter.GET_EMPTY, 1);
  }

  /** An exchange's traffic: {@code in} messages published to it, routed on as {@code out} copies. */
  public void onExchangeTraffic(long in, long out) {
    add(Counter.PUBLISH_IN, in);
    add(Counter.PUBLISH_OUT, out);
  }

  public void onAck(int count) {
    add(Counter.ACK, count);
  }

  /** deliver + deliver_no_ack + get + get_no_ack: RabbitMQ's deliver_get. */
  public long deliverGet() {
    return get(Counter.DELIVER) + get(Counter.DELIVER_NO_ACK) + get(Counter.GET) + get(Counter.GET_NO_ACK);
  }
}

package io.warren.management.metrics;

import io.warren.broker.MessageStats;
import io.warren.broker.MessageStats.Counter;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Message rates for the management API ("publish_details": {"rate": 12.4}): every few seconds
 * the counters of each vhost, queue and channel are sampled, and a rate is the change since
 * the previous sample per second, as RabbitMQ's basic rates mode reports them. Counters are
 * keyed weakly, so deleted queues and closed channels are forgotten.
 */
public final class RateSampler {

  /** The counters sampled, in RabbitMQ's names; the index of each is its slot in a sample. */
  public static final String[] NAMES = {"publish", "confirm", "return_unroutable", "drop_unroutable", "deliver",
      "deliver_no_ack", "get", "get_no_ack", "get_empty", "ack", "redeliver", "deliver_get", "publish_in", "publish_out"};

  private static final double[] NO_RATES = new double[NAMES.length];

  private record Sample(long atNanos, long[] values, double[] rates) {
  }

  private final Map<MessageStats, Sample> samples = Collections.synchronizedMap(new WeakHashMap<>());

  /** The current counter values, in {@link #NAMES} order. */
  public static long[] values(MessageStats s) {
    return new long[] {s.get(Counter.PUBLISH), s.get(Counter.CONFIRM), s.get(Counter.RETURN_UNROUTABLE), s.get(Counter.DROP_UNROUTABLE),
        s.get(Counter.DELIVER), s.get(Counter.DELIVER_NO_ACK), s.get(Counter.GET), s.get(Counter.GET_NO_ACK), s.get(Counter.GET_EMPTY), s.get(Counter.ACK),
        s.get(Counter.REDELIVER), s.deliverGet(), s.get(Counter.PUBLISH_IN), s.get(Counter.PUBLISH_OUT)};
  }

  /** Takes a sample of {@code stats} now. */
  public void sample(MessageStats stats) {
    long now = System.nanoTime();
    long[] values = values(stats);
    Sample previous = samples.get(stats);
    double[] rates = new double[NAMES.length];
    if (previous != null && now > previous.atNanos) {
      double seconds = (now - previous.atNanos) / 1e9;
      for (int i = 0; i < rates.length; i++) {
        rates[i] = Math.round((values[i] - previous.values[i]) / seconds * 10) / 10.0;
      }
    }
    samples.put(stats, new Sample(now, values, rates));
  }

  /** The rates from the last two samples (zeros before there are two). */
  public double[] rates(MessageStats stats) {
    Sample s = samples.get(stats);
    return s == null ? NO_RATES : s.rates;
  }
}

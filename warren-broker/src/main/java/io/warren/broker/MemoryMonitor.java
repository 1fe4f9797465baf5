package io.warren.broker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's memory alarm, measured on the JVM heap: the heap outside eden (what survived a
 * collection) against the limit; while it is above, publishers are blocked ("low on memory")
 * until consumers have taken enough away.
 *
 * <p>Heap use counts garbage until a collection runs, and the old generation keeps dead
 * messages until a full one does. So the alarm is only raised when the heap is still over the
 * limit right after a full collection, which the monitor requests itself (at most every
 * {@link #COLLECTION_INTERVAL_NANOS}); while the alarm is on it collects at that pace too, so the
 * alarm clears once consumers have drained messages even if nothing else allocates. A broker
 * under its limit never triggers a collection. Collections assume the default -XX:+UseParallelGC
 * (or any collector where System.gc() is a full, stop-the-world collection).
 */
final class MemoryMonitor extends ResourceAlarm {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryMonitor.class);
  private static final long COLLECTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** The heap's pools but the young generation's eden, which holds only recent allocations. */
  private final List<MemoryPoolMXBean> retainedPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP && !p.getName().contains("Eden"))
      .toList();
  private long lastCollection = System.nanoTime() - COLLECTION_INTERVAL_NANOS;

  MemoryMonitor(BrokerContext broker, long limit) {
    super(broker, limit);
  }

  /**
   * Heap in use outside eden: what survived at least one collection. Eden fills and empties many
   * times a second under load and would cross any limit with garbage alone.
   */
  long used() {
    long used = 0;
    for (MemoryPoolMXBean pool : retainedPools) {
      used += pool.getUsage().getUsed();
    }
    return used;
  }

  /** Also lets the check collect at once if need be. */
  @Override
  synchronized void setLimit(long bytes) {
    lastCollection = System.nanoTime() - COLLECTION_INTERVAL_NANOS;
    super.setLimit(bytes);
  }

  @Override
  synchronized void check() {
    long limit = limit();
    long used = used();
    if (used >= limit && System.nanoTime() - lastCollection >= COLLECTION_INTERVAL_NANOS) {
      // Over the limit, but garbage counts until collected: look again after a full collection.
      System.gc();
      lastCollection = System.nanoTime();
      used = used();
    } else if (used >= limit && !alarm()) {
      return; // collected a moment ago; decide at the next chance to collect
    }
    boolean high = used >= limit;
    if (!setAlarm(high)) {
      return;
    }
    if (high) {
      LOG.warn("memory alarm: {} bytes of heap in use after a full collection, limit {}; publishers blocked",
          used, limit);
    } else {
      LOG.info("memory alarm cleared: {} bytes of heap in use, limit {}", used, limit);
    }
  }
}

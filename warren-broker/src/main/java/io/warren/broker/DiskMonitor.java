package io.warren.broker;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.broker.connection.AmqpConnection;
import io.warren.store.MessageStore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's disk alarm: every second, compares the free space on the data folder's disk with
 * the limit; while it is below, publishing connections are blocked (connection.blocked, and the
 * broker stops reading from them), so a full disk makes publishers wait instead of failing.
 */
final class DiskMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(DiskMonitor.class);
  private static final long INTERVAL_MS = 1_000;

  private final MessageStore store;
  private final BrokerContext broker;
  private volatile long limit;
  private volatile boolean alarm;
  private ScheduledFuture<?> task;

  DiskMonitor(MessageStore store, BrokerContext broker, long limit) {
    this.store = store;
    this.broker = broker;
    this.limit = limit;
  }

  void start(EventExecutor executor) {
    check();
    task = executor.scheduleAtFixedRate(this::check, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  boolean alarm() {
    return alarm;
  }

  /** Changes the limit (tests, operators) and re-checks at once. */
  void setLimit(long bytes) {
    limit = bytes;
    check();
  }

  private synchronized void check() {
    long free;
    try {
      free = store.usableSpace();
    } catch (RuntimeException e) {
      LOG.warn("cannot read free disk space of {}: {}", store.dataDir(), e.toString());
      return;
    }
    boolean low = free < limit;
    if (low == alarm) {
      return;
    }
    alarm = low;
    if (low) {
      LOG.warn("disk alarm: {} bytes free on the data folder's disk, limit {}; publishers blocked", free, limit);
    } else {
      LOG.info("disk alarm cleared: {} bytes free, limit {}", free, limit);
    }
    for (AmqpConnection c : broker.connections()) {
      c.onResourceAlarmChanged();
    }
  }
}

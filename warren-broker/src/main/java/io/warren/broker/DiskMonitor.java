package io.warren.broker;

import io.warren.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's disk alarm: the free space on the data folder's disk against the limit; while it is
 * below, publishers are blocked, so a full disk makes them wait instead of failing.
 */
final class DiskMonitor extends ResourceAlarm {

  private static final Logger LOG = LoggerFactory.getLogger(DiskMonitor.class);

  private final MessageStore store;

  DiskMonitor(MessageStore store, BrokerContext broker, long limit) {
    super(broker, limit);
    this.store = store;
  }

  @Override
  synchronized void check() {
    long free;
    try {
      free = store.usableSpace();
    } catch (RuntimeException e) {
      LOG.warn("cannot read free disk space of {}: {}", store.dataDir(), e.toString());
      return;
    }
    boolean low = free < limit();
    if (!setAlarm(low)) {
      return;
    }
    if (low) {
      LOG.warn("disk alarm: {} bytes free on the data folder's disk, limit {}; publishers blocked", free, limit());
    } else {
      LOG.info("disk alarm cleared: {} bytes free, limit {}", free, limit());
    }
  }
}

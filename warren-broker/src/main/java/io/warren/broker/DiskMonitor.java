package io.warren.broker;

import io.warren.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's disk alarm: the free space on the data folder's disk against the limit; while it is
 * below, publishers are blocked, so a full disk makes them wait instead of failing.
 *
 * <p>A publisher with confirms can write tens of megabytes a second, so a fixed once-a-second
 * check would let it fill a small disk before the alarm sees the limit pass. Three things keep
 * the alarm ahead of the disk:
 * <ul>
 *   <li>the check comes sooner the nearer free space is to the limit, as RabbitMQ's does: twice
 *       the time the margin would last at 250 MB/s, between 100 ms and a second;</li>
 *   <li>between checks, the store counts what its queue logs write and calls for a check as soon
 *       as they have written the margin the last check saw ({@link MessageStore#watchWrites});</li>
 *   <li>if a write fails for lack of space all the same (a limit of 0, or one message larger than
 *       the margin), {@link #outOfSpace} raises the alarm at once and holds it until the failed
 *       write would fit, so that publishers wait instead of failing again and again.</li>
 * </ul>
 */
final class DiskMonitor extends ResourceAlarm {

  private static final Logger LOG = LoggerFactory.getLogger(DiskMonitor.class);
  /** RabbitMQ's assumption of how fast a disk can fill: 250 MB/s, here in bytes per millisecond. */
  private static final long FAST_WRITE_BYTES_PER_MS = 250_000;
  private static final long MIN_INTERVAL_MS = 100;

  private final MessageStore store;
  /** Free bytes at the last check. Guarded by this. */
  private long free = Long.MAX_VALUE;
  /** After a write failed for lack of space, the free bytes needed to clear the alarm; 0 otherwise. Guarded by this. */
  private long resumeAbove;

  DiskMonitor(MessageStore store, BrokerContext broker, long limit) {
    super(broker, limit);
    this.store = store;
  }

  @Override
  synchronized void check() {
    try {
      free = store.usableSpace();
    } catch (RuntimeException e) {
      LOG.warn("cannot read free disk space of {}: {}", store.dataDir(), e.toString());
      return;
    }
    long limit = limit();
    boolean low = free < Math.max(limit, resumeAbove);
    if (!low) {
      resumeAbove = 0;
      store.watchWrites(free - limit + 1, this::checkSoon); // the bytes until free < limit
    }
    if (!setAlarm(low)) {
      return;
    }
    if (low) {
      LOG.warn("disk alarm: {} bytes free on the data folder's disk, limit {}; publishers blocked", free, limit);
    } else {
      LOG.info("disk alarm cleared: {} bytes free, limit {}", free, limit);
    }
  }

  /**
   * A write to the store failed for lack of space: publishers are blocked now, and stay blocked
   * until the {@code bytes} that failed would fit (or half the disk is free, should a single
   * message be larger than the disk) and the limit is met. Any thread.
   */
  synchronized void outOfSpace(long bytes) {
    long measured;
    try {
      measured = store.usableSpace();
      resumeAbove = Math.max(resumeAbove, Math.min(measured + bytes, store.totalSpace() / 2));
    } catch (RuntimeException e) {
      measured = 0;
      resumeAbove = Math.max(resumeAbove, bytes);
    }
    free = measured;
    if (setAlarm(true)) {
      LOG.warn("disk alarm: a write of {} bytes failed for lack of space ({} bytes free); publishers blocked "
          + "until {} bytes are free", bytes, measured, Math.max(limit(), resumeAbove));
    }
  }

  /** Sooner as free space nears the limit (at most as long as the margin lasts at a fast disk's pace). */
  @Override
  synchronized long nextCheckMillis() {
    if (alarm()) {
      return INTERVAL_MS;
    }
    long margin = Math.max(0, free - limit());
    long ideal = margin / FAST_WRITE_BYTES_PER_MS * 2;
    return Math.max(MIN_INTERVAL_MS, Math.min(INTERVAL_MS, ideal));
  }
}

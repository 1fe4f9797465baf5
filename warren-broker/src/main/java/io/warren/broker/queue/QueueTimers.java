package io.warren.broker.queue;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread every queue shares for message TTLs and queue leases (x-expires). A
 * timer task only takes its queue's lock for a moment, as any publisher would, so a single
 * daemon thread serves all queues; no queue owns a thread.
 */
final class QueueTimers {

  private QueueTimers() {
  }

  private static final class Holder {
    static final ScheduledExecutorService EXECUTOR = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "warren-queue-timers");
        t.setDaemon(true);
        return t;
      });
      // a deleted queue cancels its timers: do not keep them in the heap until they are due
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  /** Created on first use: a broker whose queues have no TTL or lease never starts the thread. */
  static ScheduledExecutorService executor() {
    return Holder.EXECUTOR;
  }
}

package io.warren.broker.queue;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * x-expires: a queue that has gone unused for that many milliseconds is deleted. Used means,
 * as in RabbitMQ, having a consumer, a basic.get, or a queue.declare (passive or not) of it.
 * One timer per leased queue, on the shared {@link QueueTimers} thread, due when the lease
 * would end; when it finds the lease renewed since, it sets itself again.
 */
final class QueueLease {

  private final long expiresMillis;
  /** System.nanoTime() of the last use; guarded by the queue's lock. */
  private long lastUsed = System.nanoTime();
  private ScheduledFuture<?> timer;

  private QueueLease(long expiresMillis) {
    this.expiresMillis = expiresMillis;
  }

  /** The queue's lease, or null when it has no x-expires. */
  static QueueLease from(Map<String, Object> arguments) {
    long expires = QueueLimits.asLong(arguments.get("x-expires"));
    return expires <= 0 ? null : new QueueLease(expires);
  }

  void renew() {
    lastUsed = System.nanoTime();
  }

  /** Whether the lease has run out, given whether the queue has consumers now. */
  boolean ended(boolean hasConsumers) {
    return !hasConsumers && System.nanoTime() - lastUsed >= TimeUnit.MILLISECONDS.toNanos(expiresMillis);
  }

  /** Sets the timer for when the lease would end if nothing renews it. */
  void schedule(Runnable check) {
    long remaining = TimeUnit.MILLISECONDS.toNanos(expiresMillis) - (System.nanoTime() - lastUsed);
    timer = QueueTimers.executor().schedule(check, Math.max(1, remaining), TimeUnit.NANOSECONDS);
  }

  void cancel() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}

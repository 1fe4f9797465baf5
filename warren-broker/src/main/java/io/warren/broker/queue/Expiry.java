package io.warren.broker.queue;

import io.warren.broker.message.Expiration;
import io.warren.broker.message.Message;
import io.warren.broker.message.PropertyFlags;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Message TTLs of one queue: x-message-ttl and each message's expiration property (the smaller
 * wins). As in RabbitMQ, a message's deadline is fixed when it is enqueued (a requeued message
 * keeps it) and expired messages leave only from the head of the queue: on a timer set for the
 * head's deadline, and whenever the queue delivers. So a TTL of 0 means "deliver now to a
 * consumer that can take it, or never". Guarded by the queue's lock.
 */
final class Expiry {

  /** x-message-ttl, or -1. */
  private final long queueTtl;
  private ScheduledFuture<?> timer;
  private long timerAt;

  private Expiry(long queueTtl) {
    this.queueTtl = queueTtl;
  }

  /** The queue's expiry when it has x-message-ttl, else null until a message has an expiration. */
  static Expiry from(Map<String, Object> arguments) {
    long ttl = QueueLimits.asLong(arguments.get("x-message-ttl"));
    return ttl < 0 ? null : new Expiry(ttl);
  }

  /** For a queue without x-message-ttl that receives a message with an expiration. */
  static Expiry perMessageOnly() {
    return new Expiry(-1);
  }

  /** Whether a message needs a deadline in a queue whose expiry may still be null. */
  static boolean applies(Expiry expiry, Message message) {
    return expiry != null || PropertyFlags.hasExpiration(message);
  }

  /** The message's deadline in epoch milliseconds, or 0 for none. */
  long deadline(Message message, long now) {
    return deadline(PropertyFlags.hasExpiration(message) ? message.properties().expiration() : null, now);
  }

  /**
   * The deadline of a message with this expiration property (null: none) that arrived at
   * {@code arrival} (epoch ms), or 0 for none.
   */
  long deadline(String expiration, long arrival) {
    long ttl = queueTtl;
    if (expiration != null) {
      long messageTtl = Expiration.parse(expiration);
      ttl = ttl < 0 ? messageTtl : Math.min(ttl, messageTtl);
    }
    // a deadline of 0 would read as "none"; 1 ms after the epoch has long passed anyway
    return ttl < 0 ? 0 : Math.max(1, arrival + ttl);
  }

  static boolean expired(QueueEntry e, long now) {
    long deadline = e.deadline();
    return deadline != 0 && deadline <= now;
  }

  /** Arms the timer for {@code deadline} unless one fires earlier already. */
  void wakeAt(long deadline, long now, Runnable task) {
    if (timer != null && timerAt <= deadline) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = deadline;
    timer = QueueTimers.executor().schedule(task, Math.max(0, deadline - now), TimeUnit.MILLISECONDS);
  }

  /** The timer has fired. */
  void timerFired() {
    timer = null;
  }

  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}

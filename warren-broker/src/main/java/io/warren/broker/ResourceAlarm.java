package io.warren.broker;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.broker.connection.AmqpConnection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One of RabbitMQ's resource alarms (disk, memory): a measurement checked against a limit, every
 * second unless the subclass asks for another pace; while the alarm is on, connections that
 * publish are blocked (connection.blocked, and the broker stops reading from them). Subclasses
 * measure and decide; this class keeps the limit, the alarm and the timer, and tells every
 * connection when the alarm changes.
 */
abstract class ResourceAlarm {

  static final long INTERVAL_MS = 1_000;

  private final BrokerContext broker;
  private volatile long limit;
  private volatile boolean alarm;
  private EventExecutor executor;
  private volatile boolean stopped;
  private ScheduledFuture<?> task;

  ResourceAlarm(BrokerContext broker, long limit) {
    this.broker = broker;
    this.limit = limit;
  }

  /** Checks now, then on {@code executor} at the pace {@link #nextCheckMillis()} sets. */
  final void start(EventExecutor executor) {
    this.executor = executor;
    check();
    scheduleNext();
  }

  final void stop() {
    stopped = true;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** How long until the next check, decided after each one; every second unless overridden. */
  long nextCheckMillis() {
    return INTERVAL_MS;
  }

  /** A check soon, on the alarm's own thread, outside the timer (any thread; after start). */
  final void checkSoon() {
    if (!stopped) {
      try {
        executor.execute(this::check);
      } catch (RejectedExecutionException stopping) {
        // the broker is shutting down: no one left to block
      }
    }
  }

  private void scheduleNext() {
    if (!stopped) {
      task = executor.schedule(() -> {
        try {
          check();
        } finally {
          scheduleNext();
        }
      }, nextCheckMillis(), TimeUnit.MILLISECONDS);
    }
  }

  final boolean alarm() {
    return alarm;
  }

  final long limit() {
    return limit;
  }

  /** Changes the limit (tests, operators) and re-checks at once. */
  synchronized void setLimit(long value) {
    limit = value;
    check();
  }

  /** Measures and calls {@link #setAlarm}; runs on the timer and after {@link #setLimit}. */
  abstract void check();

  /** Turns the alarm on or off; returns true, after telling every connection, if it changed. */
  final boolean setAlarm(boolean on) {
    if (on == alarm) {
      return false;
    }
    alarm = on;
    for (AmqpConnection c : broker.connections()) {
      c.onResourceAlarmChanged();
    }
    return true;
  }
}

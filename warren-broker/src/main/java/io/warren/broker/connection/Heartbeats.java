package io.warren.broker.connection;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * RabbitMQ's heartbeat rules for one connection, checked by a timer every half interval: the
 * broker sends a heartbeat when it has written nothing for that long, and gives up on a client
 * it has heard nothing from for two intervals.
 *
 * <p>A timer rather than Netty's IdleStateHandler: that handler sits in the pipeline, so every
 * frame read passes through it and every write gets a listener, while here the connection only
 * sets a flag per read batch and per flush. Event loop only.
 */
final class Heartbeats {

  /** Half intervals without a byte from the client before it is given up: two intervals. */
  private static final int SILENT_TICKS_ALLOWED = 4;

  private final Runnable sendHeartbeat;
  private final Runnable onClientSilent;
  private final BooleanSupplier readingPausedOnPurpose;
  private final ScheduledFuture<?> timer;
  private boolean readSinceTick;
  private boolean writtenSinceTick;
  private int silentTicks;

  /**
   * @param readingPausedOnPurpose true while the broker itself stopped reading (flow control, a
   *     resource alarm): the client's silence is then expected
   */
  Heartbeats(EventExecutor loop, int intervalSeconds, Runnable sendHeartbeat, Runnable onClientSilent,
      BooleanSupplier readingPausedOnPurpose) {
    this.sendHeartbeat = sendHeartbeat;
    this.onClientSilent = onClientSilent;
    this.readingPausedOnPurpose = readingPausedOnPurpose;
    long halfInterval = intervalSeconds * 500L;
    this.timer = loop.scheduleAtFixedRate(this::tick, halfInterval, halfInterval, TimeUnit.MILLISECONDS);
  }

  void onRead() {
    readSinceTick = true;
  }

  void onWrite() {
    writtenSinceTick = true;
  }

  void stop() {
    timer.cancel(false);
  }

  private void tick() {
    if (!writtenSinceTick) {
      sendHeartbeat.run();
    }
    writtenSinceTick = false;
    if (readSinceTick || readingPausedOnPurpose.getAsBoolean()) {
      silentTicks = 0;
    } else if (++silentTicks >= SILENT_TICKS_ALLOWED) {
      stop();
      onClientSilent.run();
    }
    readSinceTick = false;
  }
}

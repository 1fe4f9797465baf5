package io.warren.broker.connection;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupt moderation for an event loop: when the last round of reads was busy, the loop rests
 * a moment before it polls the sockets again, so the next round finds many frames waiting
 * instead of a few.
 *
 * <p>Why: on a busy connection the broker's cost is dominated by the kernel, not by our code.
 * Every {@code recv} that finds a few hundred bytes makes the kernel acknowledge them (for
 * small-segment senders it acks at every read), and on loopback that ack is processed at once, in
 * the broker's time; every {@code send} runs the peer's receive path and wakes the peer. A round
 * costs about the same whether it moves 20 messages or 200. Measured with PerfTest 1/1 at
 * ~200k msg/s on 2 cores, two thirds of the broker's CPU was those syscalls, at ~25 messages per
 * round.
 *
 * <p>The rest is short ({@link #PAUSE_NANOS}) and only taken after a round that read at least
 * {@link #BUSY_FRAMES} frames, which an idle or lightly used broker never reaches: a client at a
 * thousand messages a second still gets each message handled the moment it arrives. Under load,
 * the rest adds at most that pause to a message's latency, where queueing already adds
 * milliseconds.
 */
public final class ReadCoalescing implements SelectStrategy {

  /** Frames read in one round from which the loop counts as busy. */
  static final int BUSY_FRAMES = Integer.getInteger("warren.io.busyFrames", 48);
  /** How long a busy loop rests before polling again. */
  static final long PAUSE_NANOS = Long.getLong("warren.io.pauseMicros", 200) * 1_000;

  private static final FastThreadLocal<ReadCoalescing> LOOP = new FastThreadLocal<>();

  /** Frames read on this loop since it last polled; only touched by the loop's thread. */
  private int framesRead;

  /** One strategy per event loop (Netty asks the factory once per loop). */
  public static SelectStrategyFactory factory() {
    return ReadCoalescing::new;
  }

  /** Counts frames read by a connection on the current event loop (no-op on other threads). */
  static void onFramesRead(int frames) {
    ReadCoalescing loop = LOOP.getIfExists();
    if (loop != null) {
      loop.framesRead += frames;
    }
  }

  /** Sleeps for the pause (parkNanos may return early; nothing unparks this thread on purpose). */
  private static void rest() {
    long deadline = System.nanoTime() + PAUSE_NANOS;
    for (long left = PAUSE_NANOS; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Override
  public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
    if (framesRead == 0 && LOOP.getIfExists() != this) {
      LOOP.set(this); // first round on the loop's own thread
    }
    boolean busy = framesRead >= BUSY_FRAMES && PAUSE_NANOS > 0;
    framesRead = 0;
    if (busy) {
      rest();
      return pollNow.get();
    }
    return hasTasks ? pollNow.get() : SelectStrategy.SELECT;
  }
}

package io.warren.broker.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Gives up on a client that stopped reading: while the socket is not writable, a timer checks
 * every {@code timeout} whether any of the pending output went out since the last check, and
 * closes the connection when none did. RabbitMQ does the same through its listener's
 * {@code send_timeout} (30 s by default): a send blocked that long closes the socket. A client
 * that reads slowly keeps making progress and is never dropped. Event loop only.
 */
final class WriteStall {

  private final Channel channel;
  private final long timeoutMillis;
  private final LongSupplier bytesHandedOver;
  private final Runnable onStalled;
  private ScheduledFuture<?> timer;
  private long sentAtLastCheck;

  /**
   * @param bytesHandedOver bytes the connection has given Netty to write so far; what of it is
   *     no longer pending has reached the socket
   */
  WriteStall(Channel channel, long timeoutMillis, LongSupplier bytesHandedOver, Runnable onStalled) {
    this.channel = channel;
    this.timeoutMillis = timeoutMillis;
    this.bytesHandedOver = bytesHandedOver;
    this.onStalled = onStalled;
  }

  /** The socket's writability changed: watch it while it cannot take more. */
  void onWritabilityChanged(boolean writable) {
    if (writable) {
      stop();
    } else if (timer == null && timeoutMillis > 0) {
      sentAtLastCheck = bytesSent();
      timer = channel.eventLoop().schedule(this::check, timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check() {
    timer = null;
    if (channel.isWritable() || !channel.isActive()) {
      return;
    }
    long sent = bytesSent();
    if (sent == sentAtLastCheck) {
      onStalled.run(); // not a byte reached the socket for a whole timeout
      return;
    }
    sentAtLastCheck = sent;
    timer = channel.eventLoop().schedule(this::check, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Bytes that left Netty's buffer for the socket so far. */
  private long bytesSent() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return bytesHandedOver.getAsLong() - (buffer == null ? 0 : buffer.totalPendingWriteBytes());
  }
}

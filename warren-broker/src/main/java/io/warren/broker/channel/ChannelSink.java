package io.warren.broker.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.warren.broker.AmqpException;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.auth.User;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import io.warren.store.StoreException;
import java.util.function.Consumer;

/** What an AMQP channel needs from its connection. Called only on the connection's event loop. */
public interface ChannelSink {

  /** The buffer outgoing frames are appended to; flushed at the end of the current batch. */
  ByteBuf out();

  /** Bytes appended to {@link #out()} and not flushed yet. */
  int unflushedBytes();

  /** Ensures {@link #out()} is flushed soon, even outside a read batch. */
  void requestFlush();

  /**
   * Asks for {@link AmqpChannel#beforeFlush} before the next flush (batched confirms and counters);
   * the flush happens soon even outside a read batch.
   */
  void callBeforeFlush(AmqpChannel channel);

  EventLoop eventLoop();

  VirtualHost vhost();

  int frameMax();

  /** The largest message body a publish may declare (max_message_size). */
  long maxMessageSize();

  /** Whether the socket can take more output (false while the client is not reading). */
  boolean isWritable();

  /** Whether the client announced consumer_cancel_notify (only then does it get basic.cancel). */
  boolean clientSupportsCancelNotify();

  /** The authenticated user (the user_id property of a publish must name it). */
  User user();

  /** The user's permission checks in this connection's vhost. */
  AccessControl access();

  /** The connection as exclusive-queue owner. */
  Object owner();

  /** A channel error needs the connection's help (a hard error): close the whole connection. */
  void connectionError(AmqpException error);

  /**
   * Asks the store to make everything written so far durable; {@code onDurable} then runs on
   * this connection's event loop with null, or with the failure.
   */
  void syncStore(Consumer<StoreException> onDurable);

  /**
   * Writing a message of {@code bytes} to the store failed (the channel nacks it): out of space,
   * the disk alarm goes on, and this connection blocks at its next {@link #onPublished()}.
   */
  void storeWriteFailed(StoreException failure, long bytes);

  /** A message was published on this connection (it may now have to block, see resource alarms). */
  void onPublished();

  /** The channel finished closing: its number may be reused. */
  void channelClosed(int number);
}

package io.warren.broker.channel;

import io.netty.buffer.ByteBuf;
import io.warren.broker.AmqpException;
import io.warren.broker.BrokerConfig;
import io.warren.codec.ContentHeader;
import io.warren.codec.method.BasicPublish;
import java.util.Arrays;

/**
 * Puts basic.publish back together from its frames: the method, then one content header, then
 * body frames until the declared size is reached. Any other frame in between is the
 * UNEXPECTED_FRAME connection error RabbitMQ raises, with its wording.
 *
 * <p>Memory follows the bytes that arrived, never the size the header declares: a header is
 * a few bytes on the wire and may declare anything up to 2^64-1, so trusting it would let one
 * client reserve gigabytes per channel without sending them. A body that comes in one frame
 * (almost every message) is copied once into an array of exactly its size; a body in several
 * frames grows its array by doubling, capped at the declared size, so it never holds more
 * than twice what was received and ends exactly as large as the body.
 */
final class ContentAssembler {

  private static final byte[] EMPTY = new byte[0];

  private enum State { EXPECT_METHOD, EXPECT_HEADER, EXPECT_BODY }

  private final long maxMessageSize;
  private State state = State.EXPECT_METHOD;
  private BasicPublish publish;
  private ContentHeader header;
  /** The declared body size; at most maxMessageSize, so it fits an int. */
  private int expected;
  /** The body so far; null until the first body byte, then possibly larger than {@link #received}. */
  private byte[] body;
  private int received;

  /** @param maxMessageSize largest body accepted (RabbitMQ's max_message_size), at most 512 MiB */
  ContentAssembler(long maxMessageSize) {
    if (maxMessageSize < 0 || maxMessageSize > BrokerConfig.MAX_MESSAGE_SIZE_LIMIT) {
      throw new IllegalArgumentException("max_message_size " + maxMessageSize);
    }
    this.maxMessageSize = maxMessageSize;
  }

  /** A basic.publish arrived: its header must come next. */
  void expectContent(BasicPublish method) {
    publish = method;
    state = State.EXPECT_HEADER;
  }

  /** Whether a publish is waiting for its header or body (a method frame now is an error). */
  boolean isAssembling() {
    return state != State.EXPECT_METHOD;
  }

  /** The error for a method frame arriving while content is expected. */
  AmqpException methodWhileAssembling() {
    AmqpException e = state == State.EXPECT_HEADER
        ? AmqpException.unexpectedFrame("expected content header for class %d, got non content header frame instead",
            BasicPublish.CLASS_ID)
        : AmqpException.unexpectedFrame("expected content body, got non content body frame instead");
    return e.during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
  }

  /** A content header; returns true if the message is complete (empty body). */
  boolean onHeader(ContentHeader h) {
    switch (state) {
      case EXPECT_METHOD -> throw AmqpException.unexpectedFrame("expected method frame, got non method frame instead");
      case EXPECT_BODY -> throw AmqpException.unexpectedFrame("expected content body, got non content body frame instead")
          .during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
      default -> {
      }
    }
    if (h.classId() != BasicPublish.CLASS_ID) {
      throw AmqpException.unexpectedFrame("expected content header for class %d, got one for class %d instead",
          BasicPublish.CLASS_ID, h.classId()).during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
    }
    // body-size is an unsigned 64-bit number: 2^63 and above read as negative longs.
    if (Long.compareUnsigned(h.bodySize(), maxMessageSize) > 0) {
      reset();
      throw tooLarge(h.bodySize());
    }
    header = h;
    expected = (int) h.bodySize();
    body = null;
    received = 0;
    state = State.EXPECT_BODY;
    return expected == 0;
  }

  /**
   * RabbitMQ's check_msg_size: a channel error, worded differently when the limit is the
   * absolute maximum (RabbitMQ checks the assembled body; checking the declared size first
   * gives the same answer without waiting for the bytes).
   */
  private AmqpException tooLarge(long declaredSize) {
    String format = maxMessageSize == BrokerConfig.MAX_MESSAGE_SIZE_LIMIT
        ? "message size %s is larger than max size %d"
        : "message size %s is larger than configured max size %d";
    return AmqpException.preconditionFailed(format, Long.toUnsignedString(declaredSize), maxMessageSize)
        .during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
  }

  /** A body frame; returns true once the declared body size has arrived. */
  boolean onBody(ByteBuf content) {
    if (state != State.EXPECT_BODY) {
      throw state == State.EXPECT_HEADER
          ? AmqpException.unexpectedFrame("expected content header for class %d, got non content header frame instead",
              BasicPublish.CLASS_ID).during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID)
          : AmqpException.unexpectedFrame("expected method frame, got non method frame instead");
    }
    int n = content.readableBytes();
    if (n > expected - received) {
      // RabbitMQ 3.10 would wait for ever here; later versions close with this FRAME_ERROR.
      throw AmqpException.frameError("content body frame exceeds remaining content size")
          .during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
    }
    if (n == 0) {
      return false;
    }
    if (body == null && n == expected) {
      body = new byte[n]; // the whole body in one frame: exactly one copy, as before
    } else {
      ensureCapacity(received + n);
    }
    content.readBytes(body, received, n);
    received += n;
    return received == expected;
  }

  /** Grows the body array to hold {@code needed} bytes: doubling, never past the declared size. */
  private void ensureCapacity(int needed) {
    int capacity = body == null ? 0 : body.length;
    if (needed <= capacity) {
      return;
    }
    int grown = (int) Math.min(expected, Math.max(needed, 2L * capacity));
    body = body == null ? new byte[grown] : Arrays.copyOf(body, grown);
  }

  BasicPublish publish() {
    return publish;
  }

  ContentHeader header() {
    return header;
  }

  /** The complete body (call once {@link #onHeader} or {@link #onBody} returned true). */
  byte[] body() {
    return expected == 0 ? EMPTY : body;
  }

  /** Forgets the message (it has been handed on, or the channel is closing). */
  void reset() {
    state = State.EXPECT_METHOD;
    publish = null;
    header = null;
    body = null;
    expected = 0;
    received = 0;
  }
}

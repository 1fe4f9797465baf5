package io.warren.broker.channel;

import io.netty.buffer.ByteBuf;
import io.warren.broker.AmqpException;
import io.warren.codec.ContentHeader;
import io.warren.codec.method.BasicPublish;

/**
 * Puts basic.publish back together from its frames: the method, then one content header, then
 * body frames until the declared size is reached. Any other frame in between is the
 * UNEXPECTED_FRAME connection error RabbitMQ raises, with its wording.
 */
final class ContentAssembler {

  /** RabbitMQ's default max_message_size (128 MiB). */
  static final long MAX_MESSAGE_SIZE = 134_217_728L;

  private enum State { EXPECT_METHOD, EXPECT_HEADER, EXPECT_BODY }

  private State state = State.EXPECT_METHOD;
  private BasicPublish publish;
  private ContentHeader header;
  private byte[] body;
  private int received;

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
    if (h.bodySize() > MAX_MESSAGE_SIZE) {
      reset();
      throw AmqpException.preconditionFailed("message size %d is larger than configured max size %d",
          h.bodySize(), MAX_MESSAGE_SIZE).during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
    }
    header = h;
    body = new byte[(int) h.bodySize()];
    received = 0;
    state = State.EXPECT_BODY;
    return body.length == 0;
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
    if (n > body.length - received) {
      throw AmqpException.unexpectedFrame("expected content body, got non content body frame instead")
          .during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
    }
    content.readBytes(body, received, n);
    received += n;
    return received == body.length;
  }

  BasicPublish publish() {
    return publish;
  }

  ContentHeader header() {
    return header;
  }

  byte[] body() {
    return body;
  }

  /** Forgets the message (it has been handed on, or the channel is closing). */
  void reset() {
    state = State.EXPECT_METHOD;
    publish = null;
    header = null;
    body = null;
    received = 0;
  }
}

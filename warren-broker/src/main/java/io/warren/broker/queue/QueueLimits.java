package io.warren.broker.queue;

import java.util.Map;

/**
 * x-max-length, x-max-length-bytes and x-overflow. As in RabbitMQ's classic queues only ready
 * messages count (delivered but unacked ones do not), and bytes are body bytes. With drop-head
 * (the default) the oldest messages make room; with reject-publish the new one is refused and
 * its publisher, in confirm mode, gets basic.nack; reject-publish-dlx also dead-letters it.
 */
final class QueueLimits {

  enum Overflow { DROP_HEAD, REJECT_PUBLISH, REJECT_PUBLISH_DLX }

  /** -1 when not limited. */
  private final long maxLength;
  private final long maxBytes;
  private final Overflow overflow;

  private QueueLimits(long maxLength, long maxBytes, Overflow overflow) {
    this.maxLength = maxLength;
    this.maxBytes = maxBytes;
    this.overflow = overflow;
  }

  /** The queue's limits, or null when it has none (the common case costs a null check). */
  static QueueLimits from(Map<String, Object> arguments) {
    long maxLength = asLong(arguments.get("x-max-length"));
    long maxBytes = asLong(arguments.get("x-max-length-bytes"));
    if (maxLength < 0 && maxBytes < 0) {
      return null;
    }
    Object o = arguments.get("x-overflow");
    Overflow overflow = o == null ? Overflow.DROP_HEAD : switch (o.toString()) {
      case "reject-publish" -> Overflow.REJECT_PUBLISH;
      case "reject-publish-dlx" -> Overflow.REJECT_PUBLISH_DLX;
      default -> Overflow.DROP_HEAD;
    };
    return new QueueLimits(maxLength, maxBytes, overflow);
  }

  static long asLong(Object value) {
    return value instanceof Number n ? n.longValue() : -1;
  }

  /** Whether a new message of {@code bodySize} bytes must be refused (reject-publish modes). */
  boolean rejects(int readyCount, long readyBytes, int bodySize) {
    return overflow != Overflow.DROP_HEAD
        && ((maxLength >= 0 && readyCount + 1L > maxLength) || (maxBytes >= 0 && readyBytes + bodySize > maxBytes));
  }

  /** With drop-head: whether the oldest ready message must go to make the queue fit. */
  boolean overLimit(int readyCount, long readyBytes) {
    return overflow == Overflow.DROP_HEAD
        && ((maxLength >= 0 && readyCount > maxLength) || (maxBytes >= 0 && readyBytes > maxBytes));
  }

  boolean deadLettersRejected() {
    return overflow == Overflow.REJECT_PUBLISH_DLX;
  }
}

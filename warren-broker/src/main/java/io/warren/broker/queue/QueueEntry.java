package io.warren.broker.queue;

import io.warren.broker.message.Message;

/**
 * One message's place in one queue. The {@link Message} is shared between queues; the entry
 * carries what is per queue: its position (the order requeued messages return to) and whether
 * it has been delivered before.
 */
public final class QueueEntry {

  private final AmqpQueue queue;
  /** Null while paged out: the message is then only in the queue's log, at {@link #position}. */
  private Message message;
  private final long sequence;
  private boolean redelivered;
  /** Where the message is in the queue's log, or -1 if it is not on disk (transient). */
  private long position = -1;
  /** True when {@link #position} is in the queue's scratch log (a paged-out transient message). */
  private boolean inScratchLog;
  /** When the message expires (epoch millis), or 0 for never; see {@link Expiry}. */
  private long deadline;
  /** Its level in a priority queue (see {@link PriorityReadyList}); 0 elsewhere. */
  private int priority;
  /** Body bytes, kept while paged out too: x-max-length-bytes counts every ready message. */
  private final int bodySize;

  QueueEntry(AmqpQueue queue, Message message, long sequence) {
    this.queue = queue;
    this.message = message;
    this.sequence = sequence;
    this.bodySize = message == null ? 0 : message.bodySize();
  }

  int bodySize() {
    return bodySize;
  }

  int priority() {
    return priority;
  }

  void setPriority(int priority) {
    this.priority = priority;
  }

  long deadline() {
    return deadline;
  }

  void setDeadline(long deadline) {
    this.deadline = deadline;
  }

  /** An entry that belongs to no queue: a direct reply-to response on its way to its channel. */
  public static QueueEntry detached(Message message) {
    return new QueueEntry(null, message, 0);
  }

  /** The queue, or null for a direct reply-to response. */
  public AmqpQueue queue() {
    return queue;
  }

  /** The message; never null once the entry has left the ready list (queues load it first). */
  public Message message() {
    return message;
  }

  boolean isPagedOut() {
    return message == null;
  }

  /** Drops the in-memory copy of a message that is safely in the log. */
  void pageOut() {
    if (position >= 0) {
      message = null;
    }
  }

  void pageIn(Message loaded) {
    message = loaded;
  }

  /** Position in the queue: entries with smaller sequences were enqueued earlier. */
  public long sequence() {
    return sequence;
  }

  /** The message's position in its queue's log, or -1 when it is not persisted. */
  public long position() {
    return position;
  }

  void setPosition(long position) {
    this.position = position;
  }

  boolean inScratchLog() {
    return inScratchLog;
  }

  /** The message now lives in the queue's scratch log at {@code scratchPosition}, not in memory. */
  void pageOutToScratch(long scratchPosition) {
    position = scratchPosition;
    inScratchLog = true;
    message = null;
  }

  /** Back in memory from the scratch log: the message is transient again. */
  void leaveScratch() {
    position = -1;
    inScratchLog = false;
  }

  public boolean redelivered() {
    return redelivered;
  }

  void markRedelivered() {
    redelivered = true;
  }
}

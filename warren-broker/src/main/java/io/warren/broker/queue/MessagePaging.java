package io.warren.broker.queue;

import io.netty.buffer.ByteBuf;
import io.warren.broker.message.Message;
import io.warren.codec.ContentHeader;
import io.warren.store.QueueLog;

/**
 * What a queue needs to keep messages out of memory: a way to turn messages into log records
 * and back, and scratch logs for messages that are not persistent (transient ones, or any
 * message in a transient queue) but must leave memory because the queue is deep. Scratch logs
 * are never synced and are deleted at the next start: they hold nothing that must survive.
 */
public interface MessagePaging {

  ByteBuf encode(Message message);

  Message decode(ByteBuf record);

  /** When the recorded message arrived (epoch ms), or a negative number if the record does not say. */
  long arrivedAt(ByteBuf record);

  /** The recorded message's content header, without its body. */
  ContentHeader header(ByteBuf record);

  /** Opens a new scratch log for one queue. */
  QueueLog openScratchLog();

  /** Deletes a scratch log (its queue is gone). */
  void deleteScratchLog(QueueLog log);
}

package io.warren.broker.queue;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ready list of a plain queue: oldest first. Requeued messages go back to their original
 * position (RabbitMQ documents "placed back in its original position in the queue, if
 * possible"), which is usually the head: they are older than everything still ready.
 * Guarded by the owning queue's lock.
 */
final class FifoReadyList implements ReadyList {

  private static final Comparator<QueueEntry> BY_SEQUENCE = Comparator.comparingLong(QueueEntry::sequence);

  private final ArrayDeque<QueueEntry> entries = new ArrayDeque<>();
  private long bodyBytes;

  @Override
  public void add(QueueEntry entry) {
    entries.addLast(entry);
    bodyBytes += bodyBytesOf(entry);
  }

  @Override
  public QueueEntry poll() {
    QueueEntry entry = entries.pollFirst();
    if (entry != null) {
      bodyBytes -= bodyBytesOf(entry);
    }
    return entry;
  }

  private static int bodyBytesOf(QueueEntry e) {
    return e.bodySize();
  }

  @Override
  public QueueEntry peek() {
    return entries.peekFirst();
  }

  @Override
  public void requeue(List<QueueEntry> requeued) {
    requeued.sort(BY_SEQUENCE);
    QueueEntry head = entries.peekFirst();
    if (head == null || requeued.get(requeued.size() - 1).sequence() < head.sequence()) {
      for (int i = requeued.size() - 1; i >= 0; i--) {
        entries.addFirst(requeued.get(i));
      }
    } else {
      QueueEntry[] merged = new QueueEntry[entries.size() + requeued.size()];
      int i = 0;
      int r = 0;
      while (!entries.isEmpty() || r < requeued.size()) {
        QueueEntry next = entries.peekFirst();
        if (next == null || (r < requeued.size() && requeued.get(r).sequence() < next.sequence())) {
          merged[i++] = requeued.get(r++);
        } else {
          merged[i++] = entries.pollFirst();
        }
      }
      for (QueueEntry e : merged) {
        entries.addLast(e);
      }
    }
    for (QueueEntry e : requeued) {
      bodyBytes += bodyBytesOf(e);
    }
  }

  @Override
  public int clear(Consumer<QueueEntry> removed) {
    int n = entries.size();
    for (QueueEntry e : entries) {
      removed.accept(e);
    }
    entries.clear();
    bodyBytes = 0;
    return n;
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public long bodyBytes() {
    return bodyBytes;
  }
}
